// Turn what nvidia-smi printed instead of data into one line a person can act on.
import { firstLine } from '../../format/one-line.js';
import { ToolError } from '../../tools/run-tool.js';

export type NvidiaFailureKind =
  | 'driver'       // driver not loaded / cannot communicate / NVML init failed / library missing
  | 'no-devices'   // "No devices were found"
  | 'gpu-lost'     // one GPU fell off the bus or cannot be opened
  | 'invalid-field'// an old driver does not know a requested field
  | 'unknown';

export interface NvidiaFailure {
  kind: NvidiaFailureKind;
  /** One line, prefixed with `nvidia-smi: `. */
  message: string;
  /** For invalid-field: the field the driver rejected. */
  field?: string;
}

/** Classify tool output (stdout+stderr of a failed run, or a line met in a stream). */
export function classifyNvidiaError(text: string): NvidiaFailure {
  const first = firstLine(text);
  const field = /Field "([^"]+)" is not a valid field to query/i.exec(text);
  if (field) return { kind: 'invalid-field', field: field[1]!, message: `nvidia-smi: this driver does not know the field "${field[1]}"` };
  if (/No devices were found/i.test(text)) return { kind: 'no-devices', message: 'nvidia-smi: no NVIDIA GPU found (No devices were found)' };
  if (/couldn't communicate with the NVIDIA driver/i.test(text)) {
    return { kind: 'driver', message: 'nvidia-smi: cannot talk to the NVIDIA driver (is it installed and loaded?)' };
  }
  if (/Driver\/library version mismatch/i.test(text)) {
    const lib = /NVML library version:\s*([\d.]+)/i.exec(text);
    return { kind: 'driver', message: `nvidia-smi: driver/library version mismatch${lib ? ` (NVML library ${lib[1]})` : ''}; reboot or reload the driver` };
  }
  if (/couldn't find libnvidia-ml/i.test(text)) return { kind: 'driver', message: 'nvidia-smi: libnvidia-ml.so not found (driver not installed properly)' };
  if (/Failed to initialize NVML/i.test(text)) return { kind: 'driver', message: `nvidia-smi: ${first}` };
  if (/GPU is lost/i.test(text)) {
    const bus = /GPU\s*([0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f])/i.exec(text);
    return { kind: 'gpu-lost', message: `nvidia-smi: ${bus ? `GPU ${bus[1]}` : 'a GPU'} is lost; reboot to recover it` };
  }
  if (/Unable to determine the device handle/i.test(text)) {
    const bus = /GPU\s*([0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f])/i.exec(text);
    const why = /:\s*([^:]+)$/.exec(first)?.[1]?.trim();
    return { kind: 'gpu-lost', message: `nvidia-smi: cannot open GPU ${bus?.[1] ?? '?'}${why ? ` (${why})` : ''}` };
  }
  return { kind: 'unknown', message: first ? `nvidia-smi: ${first}` : 'nvidia-smi: no output' };
}

/** Does this stream line look like an error message rather than a data row? */
export function looksLikeNvidiaError(line: string): boolean {
  return /No devices were found|NVIDIA-SMI has failed|Failed to initialize NVML|Unable to determine the device handle|GPU is lost|is not a valid field|couldn't find libnvidia-ml/i.test(line);
}

/** Why a one-shot nvidia-smi run failed: one line, and whether the driver rejected a field (which one). */
export interface QueryFailure {
  message: string;
  invalidField: boolean;
  field?: string;
}

export function explainQueryFailure(error: unknown): QueryFailure {
  if (error instanceof ToolError) {
    if (error.timedOut) return { message: error.message, invalidField: false };
    const c = classifyNvidiaError(error.output || error.message);
    return {
      message: c.kind === 'unknown' ? error.message : c.message,
      invalidField: c.kind === 'invalid-field',
      ...(c.field ? { field: c.field } : {}),
    };
  }
  return { message: `nvidia-smi: ${error instanceof Error ? error.message : String(error)}`, invalidField: false };
}
