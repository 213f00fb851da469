// The esbuild plugins of the bundles (scripts/bundle-plugins.mjs), built into a small entry and run:
// the deflated systeminformation is the real one, compiled when first imported; a built-in module
// imported by a module that is itself imported lazily is loaded only then.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/service.js';

const plugins = await import(pathToFileURL(path.join(ROOT, 'scripts', 'bundle-plugins.mjs')).href);
const { build } = await import('esbuild');
let dir: string;

test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'widgets-bundle-'));
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Bundles `source` as the service's bundles are made (the same plugins; `esm` as
 * dist/widgets-service.mjs, `cjs` as the single executable's script) and runs it.
 */
async function bundleAndRun(source: string, format: 'esm' | 'cjs' = 'esm'): Promise<{ out: string; size: number }> {
  const entry = path.join(dir, `entry-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, format === 'esm' ? source : `(async () => {\n${source}\n})();`);
  const outfile = entry.replace(/\.mjs$/, format === 'esm' ? '.bundle.mjs' : '.bundle.cjs');
  const si = await plugins.deflatedSysteminformation();
  await build({
    entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format, outfile, logLevel: 'error',
    nodePaths: [path.join(ROOT, 'node_modules')],
    plugins: [plugins.absentAddons, plugins.rxjsEsm, si.plugin, plugins.builtinsOnUse],
    ...(format === 'esm' ? { banner: { js: "import { createRequire as __widgetsCreateRequire } from 'node:module'; const require = __widgetsCreateRequire(import.meta.url);" } } : {}),
  });
  const run = spawnSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  return { out: run.stdout.trim(), size: readFileSync(outfile).length };
}

for (const format of ['esm', 'cjs'] as const) {
  test(`${format}: the deflated systeminformation is the real library: compiled at its first import, it reads this machine`, async () => {
    const { out, size } = await bundleAndRun(`
      const before = process.moduleLoadList.includes('NativeModule zlib');
      const si = (await import('systeminformation')).default;
      const cpu = await si.cpu();
      console.log(JSON.stringify({ before, after: process.moduleLoadList.includes('NativeModule zlib'), cores: cpu.cores, version: si.version() }));
    `, format);
    const result = JSON.parse(out);
    assert.is(result.before, false, 'nothing inflated before the import');
    assert.is(result.after, true);
    assert.is(result.cores, cpus().length, "cpu() counts this machine's cores");
    assert.is(result.version, JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'systeminformation', 'package.json'), 'utf8')).version);
    assert.ok(size < 200_000, `its 320 KB of code are deflated in the bundle (${size} bytes in all)`);
  });
}

test('a built-in module imported by a lazily imported module loads only when that module is imported', async () => {
  writeFileSync(path.join(dir, 'uses-child-process.mjs'), "import { execFileSync } from 'node:child_process';\nexport const run = () => execFileSync('true');\n");
  const { out } = await bundleAndRun(`
    const loaded = () => process.moduleLoadList.includes('NativeModule child_process');
    const before = loaded();
    const { run } = await import('./uses-child-process.mjs');
    run();
    console.log(JSON.stringify({ before, after: loaded() }));
  `);
  assert.equal(JSON.parse(out), { before: false, after: true });
});

test.run();
