// The esbuild plugins both bundles use (scripts/build-dist.mjs), apart so that specs can build with
// them too (spec/e2e/bundle-plugins.spec.ts).
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Optional native add-ons that dependencies try inside try/catch (ws: bufferutil, utf-8-validate;
 * systeminformation on macOS: two temperature sensors). A .node file cannot be bundled, and a SEA
 * prints a warning for any require() of a non-built-in, so in the bundles they are simply absent:
 * the require throws MODULE_NOT_FOUND at once and the dependency takes its plain-JavaScript path.
 */
const OPTIONAL_ADDONS = ['bufferutil', 'utf-8-validate', 'osx-temperature-sensor', 'macos-temperature-sensor'];
export const absentAddons = {
  name: 'absent-optional-addons',
  setup(b) {
    const filter = new RegExp(`^(${OPTIONAL_ADDONS.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent-addon' }));
    b.onLoad({ filter: /.*/, namespace: 'absent-addon' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (optional; not in the bundle)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

/**
 * rxjs's `node` export condition is its CommonJS build, whose index requires every operator (146 KB
 * in the bundle, and their objects on the heap); its ES2015 build lets esbuild keep what we use
 * (21 KB). Same code, same version.
 */
export const rxjsEsm = {
  name: 'rxjs-esm',
  setup(b) {
    const dir = dirname(createRequire(import.meta.url).resolve('rxjs/package.json'));
    const entry = join(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).es2015);
    b.onResolve({ filter: /^rxjs$/ }, () => ({ path: entry }));
  },
};

/**
 * Node's built-in modules load when the code that imports them starts, not all at the top of the
 * bundle: each becomes a small CommonJS module around require(), so a module the service only
 * imports lazily (execa with node:child_process, node:https for TLS) costs nothing until used. In
 * an ES module bundle esbuild would otherwise hoist every built-in import to the top. ws's client
 * side (https, tls) and compression (zlib), which the service never uses, get a stand-in that
 * loads the real module at its first property access. Every built-in module loaded maps more of
 * the node binary into memory (0.5–2 MB each, measured).
 */
const WS_UNUSED = new Set(['https', 'tls', 'zlib']);
export const builtinsOnUse = {
  name: 'builtins-on-use',
  setup(b) {
    const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')));
    const nameOf = (path) => path.replace(/^node:/, '');
    const fromWs = /[\\/]node_modules[\\/]ws[\\/]/;
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      if (args.namespace.startsWith('builtin')) return { path: args.path, external: true };
      const name = nameOf(args.path);
      if (!builtins.has(name)) return undefined;
      const onFirstUse = fromWs.test(args.importer) && WS_UNUSED.has(name);
      return { path: `node:${name}`, namespace: onFirstUse ? 'builtin-on-first-use' : 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, (args) => ({
      loader: 'js',
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require(${JSON.stringify(args.path)}))[key] });`,
    }));
  },
};

/**
 * systeminformation (about 320 KB minified) is needed on macOS and Windows, and on Linux only by the
 * GPU fallback on machines with a display controller. Its code sits in the bundle deflated (about
 * 100 KB of base64) and is inflated and compiled when it is first imported: on Linux its source is
 * neither parsed at start nor kept on the heap (the whole bundle's text is, as one string).
 */
export async function deflatedSysteminformation() {
  const { outputFiles, metafile } = await build({
    entryPoints: [createRequire(import.meta.url).resolve('systeminformation')],
    bundle: true, platform: 'node', target: 'node20', minify: true, format: 'cjs', write: false,
    metafile: true, outfile: 'systeminformation.cjs', legalComments: 'none', plugins: [absentAddons], logLevel: 'warning',
  });
  const base64 = deflateRawSync(outputFiles[0].contents, { level: 9 }).toString('base64');
  return {
    inputs: metafile.inputs,
    plugin: {
      name: 'deflated-systeminformation',
      setup(b) {
        b.onResolve({ filter: /^systeminformation$/ }, () => ({ path: 'systeminformation', namespace: 'deflated' }));
        b.onLoad({ filter: /.*/, namespace: 'deflated' }, () => ({
          loader: 'js',
          contents: `const code = require('node:zlib').inflateRawSync(Buffer.from(${JSON.stringify(base64)}, 'base64')).toString();
const m = { exports: {} };
new Function('module', 'exports', 'require', code)(m, m.exports, require);
module.exports = m.exports;`,
        }));
      },
    },
  };
}
