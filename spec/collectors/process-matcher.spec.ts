import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  COMMAND_LINE, DEFAULT_PROCESS_MATCHER, createProcessMatcher, selectProcesses, type ProcessEntry,
} from '../../lib/collectors/process-matcher.js';

const matches = (name: string, commandLine?: string) => DEFAULT_PROCESS_MATCHER(name, commandLine);

test('AI/ML servers and tools by name', () => {
  for (const name of [
    'python3', 'python3.11', 'pythonw.exe', 'ollama', 'ollama.exe', 'llama-server', 'llama-cli', 'vllm', 'torchrun',
    'pt_main_thread', 'text-generation-launcher', 'LM Studio', 'LM Studio Helper', 'koboldcpp', 'local-ai',
    'whisper-server', 'jupyter-lab', 'node', 'node.exe', 'electron', 'ClaraVerse', 'nvidia-smi', 'nvtop', 'htop',
  ]) {
    assert.ok(matches(name), name);
  }
});

test('by command line when the name says nothing', () => {
  assert.ok(matches('pt_main_thread'));
  assert.ok(matches('uvicorn', '/usr/bin/python3 -m uvicorn app:main'));
  assert.ok(matches('main', '/opt/llama.cpp/build/bin/llama-server -m /models/qwen2.5-7b-q4.gguf --port 8080'));
  assert.ok(matches('python', 'python main.py --listen  # ComfyUI'));
  assert.ok(matches('bash', 'bash webui.sh --xformers'));
  assert.ok(matches('VLLM::EngineCore', 'VLLM::EngineCore'));
  assert.ok(matches('text-generation', 'text-generation-launcher --model-id meta-llama/Llama-3.1-8B'));
});

test('everyday processes do not match', () => {
  for (const [name, commandLine] of [
    ['bash', 'bash'],
    ['sshd', '/usr/sbin/sshd -D'],
    ['vim', 'vim my_python_notes.txt'],
    ['esbuild', '/home/u/app/node_modules/@esbuild/linux-x64/bin/esbuild --service=0.25.0 --ping'],
    ['kworker/0:0H-kblockd', ''],
    ['systemd', '/sbin/init splash'],
    ['nodejs-helper', ''],
  ] as const) {
    assert.not.ok(matches(name, commandLine), `${name} ${commandLine}`);
  }
});

test('extra patterns are added; strings are case-insensitive regexes', () => {
  const matcher = createProcessMatcher({ extra: ['^my-model-server$', /tabby/] });
  assert.ok(matcher('My-Model-Server'));
  assert.ok(matcher('x', '/opt/tabby/tabby serve'));
  assert.ok(matcher('ollama'));
});

test('replaceDefaults keeps only the given patterns', () => {
  const matcher = createProcessMatcher({ extra: ['postgres'], replaceDefaults: true });
  assert.ok(matcher('postgres'));
  assert.not.ok(matcher('ollama'));
});

test('an invalid pattern is refused with the pattern named', () => {
  assert.throws(() => createProcessMatcher({ extra: ['(unclosed'] }), /\(unclosed/);
});

test('a /g pattern matches every time (lastIndex is reset)', () => {
  const matcher = createProcessMatcher({ extra: [/worker/g], replaceDefaults: true });
  assert.ok(matcher('worker'));
  assert.ok(matcher('worker'));
});

const entry = (pid: number, name: string, cpu: number, commandLine = ''): ProcessEntry =>
  ({ pid, name, cpu, memory: 0, status: 'sleep', rss: 0, [COMMAND_LINE]: commandLine });

test('selectProcesses keeps the order, matches on the hidden command line, stops at the limit', () => {
  const all = [
    entry(1, 'chrome', 50),
    entry(2, 'main', 40, '/opt/llama.cpp/llama-server -m q.gguf'),
    entry(3, 'ollama', 30),
    entry(4, 'bash', 20),
    entry(5, 'python3', 10),
  ];
  assert.equal(selectProcesses(all, { matcher: DEFAULT_PROCESS_MATCHER }).map((p) => p.pid), [2, 3, 5]);
  assert.equal(selectProcesses(all, { matcher: DEFAULT_PROCESS_MATCHER, limit: 2 }).map((p) => p.pid), [2, 3]);
});

test('the hidden command line never reaches JSON', () => {
  const json = JSON.stringify([entry(2, 'main', 40, 'llama-server --api-key sk-secret')]);
  assert.not.match(json, /sk-secret/);
  assert.not.match(json, /command/);
});

test('answers stay right for many more processes than the matcher remembers, asked again and again', () => {
  const matcher = createProcessMatcher();
  const names = Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? [`python3`, `python3 job${i}.py`] : [`worker${i}`, `/usr/bin/worker${i} --node_modules`]));
  for (let round = 0; round < 3; round++) {
    for (const [i, [name, commandLine]] of names.entries()) assert.is(matcher(name!, commandLine), i % 3 === 0);
  }
  assert.is(matcher('ollama', 'ollama serve'), true);
  assert.is(matcher('bash', ''), false);
});

test.run();
