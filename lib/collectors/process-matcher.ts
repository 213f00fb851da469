import { OptionError } from '../option-check.js';
import type { ProcessStats } from '../types.js';

/** Decides whether a process is interesting, from its name and (when known) its command line. */
export type ProcessMatcher = (name: string, commandLine?: string) => boolean;

/**
 * The AI/ML processes a dashboard shows by default, matched case-insensitively against the process
 * name and the command line. Word boundaries keep `node` from matching `node_modules` paths and
 * `python` from matching `my_python_notes`.
 */
export const DEFAULT_AI_PATTERNS: readonly RegExp[] = [
  /\bpython(?:\d+(?:\.\d+)*)?w?\b/i, // python, python3, python3.11, pythonw.exe
  /\bollama\b/i,
  /\bllama(?:[-_.](?:cpp|server|cli|bench)|file)\b/i, // llama.cpp, llama-server, llama-cli, llamafile
  /\bvllm\b/i,
  /\bsglang\b/i,
  /\bcomfyui\b/i,
  /\b(?:py)?torch(?:run)?\b/i, // torch, pytorch, torchrun
  /\bpt_main_thread\b/i, // the name PyTorch gives its main thread
  /\btensor(?:flow|board)\b/i,
  /\btext-generation-(?:launcher|server|webui)\b/i, // Hugging Face TGI, oobabooga
  /\btgi\b/i,
  /\blm[\s-]?studio\b/i, // "LM Studio", lmstudio
  /\bkoboldcpp\b/i,
  /\blocal-?ai\b/i,
  /\bwhisper/i, // whisper, whisper.cpp, whisper-server, whisperx
  /\bstable[-_ ]?diffusion\b/i,
  /\bautomatic1111\b/i,
  /\bsd[-_]webui\b/i,
  /\bwebui(?:-user)?\.(?:sh|bat|py)\b/i, // A1111 / Forge launchers
  /\bjupyter/i, // jupyter, jupyter-lab, jupyter-notebook
  /(?:^|[\s/\\])node(?:\.exe)?(?=\s|$)/i, // the node binary itself, not node_modules
  /\belectron\b/i,
  /\bclara/i, // ClaraVerse and its helpers
  /\bnvidia-smi\b/i,
  /\bnvtop\b/i,
  /\bhtop\b/i, // the original service listed it
];

export interface ProcessMatcherOptions {
  /** Patterns added to the defaults: RegExps, or regex source strings (matched case-insensitively). */
  extra?: readonly (string | RegExp)[];
  /** Use only `extra`, dropping the defaults. */
  replaceDefaults?: boolean;
}

export function createProcessMatcher(options: ProcessMatcherOptions = {}): ProcessMatcher {
  const extra = (options.extra ?? []).map(toRegExp);
  const patterns = options.replaceDefaults ? extra : [...DEFAULT_AI_PATTERNS, ...extra];
  return (name, commandLine) =>
    patterns.some((p) => test(p, name) || (commandLine !== undefined && commandLine !== '' && test(p, commandLine)));
}

export const DEFAULT_PROCESS_MATCHER: ProcessMatcher = createProcessMatcher();

function toRegExp(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    throw new OptionError(`process pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** A /g or /y pattern keeps lastIndex between calls; reset it so every test starts at 0. */
function test(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/**
 * The command line a process was started with, kept on the entry for matching only: a symbol key
 * is never written by JSON.stringify, so it does not reach clients unless `command` is exposed.
 */
export const COMMAND_LINE: unique symbol = Symbol('commandLine');

export type ProcessEntry = ProcessStats & { [COMMAND_LINE]?: string };

export interface SelectOptions {
  matcher: ProcessMatcher;
  /** At most this many (default 25). */
  limit?: number;
}

/** The matching processes, in the order given (the collector sorts by CPU %), at most `limit`. */
export function selectProcesses<P extends ProcessEntry>(all: readonly P[], options: SelectOptions): P[] {
  const limit = options.limit ?? 25;
  const selected: P[] = [];
  for (const p of all) {
    if (selected.length >= limit) break;
    if (options.matcher(p.name, p[COMMAND_LINE] ?? p.command)) selected.push(p);
  }
  return selected;
}
