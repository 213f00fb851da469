// agent.ps1 as shipped: the generated module is current, the script parses as PowerShell
// (tree-sitter-powershell's grammar, the CI check), its C# stays within C# 5 (what Windows
// PowerShell 5.1's Add-Type compiles), and it accepts exactly the requests protocol.ts writes.
// What only Windows can prove (that Add-Type compiles it, that the P/Invoke layouts are right)
// is listed in the README's Windows section.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { ROOT } from '../../helpers/service.js';
import { AGENT_SCRIPT } from '../../../lib/platform/win32/agent-script.js';
import { AGENT_OPS, encodeRequest } from '../../../lib/platform/win32/protocol.js';
// @ts-expect-error: a plain .mjs build script without types
import { buildAgentModule } from '../../../lib/platform/win32/generate.mjs';

const SOURCE = readFileSync(join(ROOT, 'lib', 'platform', 'win32', 'agent.ps1'), 'utf8');

async function powershellParser(): Promise<Parser> {
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  const parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
  return parser;
}

test('agent-script.ts is what generate.mjs makes from agent.ps1 (run npm run build after editing the script)', () => {
  assert.is(readFileSync(join(ROOT, 'lib', 'platform', 'win32', 'agent-script.ts'), 'utf8'), buildAgentModule());
  assert.is(AGENT_SCRIPT, SOURCE.replace(/\r\n/g, '\n'));
});

test('agent.ps1 parses as PowerShell; the check itself catches a broken script', async () => {
  const parser = await powershellParser();
  const tree = parser.parse(SOURCE)!;
  assert.not.ok(tree.rootNode.hasError, 'agent.ps1 has a syntax error');
  assert.ok(parser.parse(SOURCE.replace('while ($true) {', 'while ($true {'))!.rootNode.hasError, 'an unclosed condition is caught');
});

test('the C# part uses nothing newer than C# 5 (PowerShell 5.1 compiles with the .NET Framework csc)', () => {
  const csharp = /@'\n([\s\S]*?)\n'@/.exec(SOURCE)?.[1] ?? '';
  assert.ok(csharp.includes('public static class WidgetsAgent'), 'the C# here-string was found');
  const newer: [RegExp, string][] = [
    [/\$"/, 'string interpolation (C# 6)'],
    [/\?\./, 'null-conditional ?. (C# 6)'],
    [/\bnameof\s*\(/, 'nameof (C# 6)'],
    [/\bout\s+var\b/, 'out var (C# 7)'],
    [/\)\s*=>\s*[^;{]*;\s*$/m, 'expression-bodied member (C# 6)'],
    [/\bis\s+[A-Z]\w*\s+\w+\s*\)/, 'pattern matching (C# 7)'],
    [/\(\s*\w+\s*,\s*\w+\s*\)\s*=/, 'tuples (C# 7)'],
  ];
  for (const [pattern, what] of newer) assert.not.match(csharp, pattern, what);
});

test('the request pattern in agent.ps1 accepts every request protocol.ts writes, and nothing looser', () => {
  const pattern = /\[regex\]::Match\(\$line, '([^']+)'\)/.exec(SOURCE)?.[1];
  assert.ok(pattern, 'request pattern found in agent.ps1');
  const re = new RegExp(pattern!);
  for (const op of AGENT_OPS) {
    const line = encodeRequest(42, op, op === 'adopt' ? 4711 : undefined).trimEnd();
    const m = re.exec(line);
    assert.ok(m, `${line} is accepted`);
    assert.is(m![2], op);
    if (op === 'adopt') assert.is(m![3], '4711');
  }
  assert.not.ok(re.test('{"id":1,"op":"processes"} ; Remove-Item C:\\'), 'nothing after the object');
});

test.run();
