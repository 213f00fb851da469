#!/usr/bin/env node
// Builds what a user can drop in without Node or node_modules (build.sh and build.bat call it):
//   dist/widgets-service.mjs   one self-contained ES module: node widgets-service.mjs [port]
//   dist/widgets-service-linux | -macos | -windows.exe
//                              a Node single executable application (SEA): Node's own binary with
//                              the bundle injected by postject; needs no Node on the machine.
// Usage: node scripts/build-dist.mjs [--node <path to a node binary for the target>] [--no-sea] [--quiet]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { absentAddons, builtinsOnUse, deflatedSysteminformation, rxjsEsm } from './bundle-plugins.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const SEA_DIR = join(DIST, 'sea');
const ENTRY = join(ROOT, 'lib', 'cli.ts');
// The fuse string Node's binary carries; postject flips it so the binary runs the injected blob.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const SEA_NAMES = { linux: 'widgets-service-linux', macos: 'widgets-service-macos', windows: 'widgets-service-windows.exe' };

function parseArgs(argv) {
  const options = { node: undefined, sea: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-sea') options.sea = false;
    else if (arg === '--quiet') options.quiet = true;
    else if (arg === '--node') options.node = argv[++i];
    else if (arg.startsWith('--node=')) options.node = arg.slice('--node='.length);
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: build.sh [--node <path to the target platform\'s node binary>] [--no-sea] [--quiet]\n');
      process.exit(0);
    } else fail(`unknown option ${arg} (known: --node <path>, --no-sea, --quiet)`);
  }
  if (options.sea && options.node === '') fail('--node needs the path of a node binary');
  return options;
}

function fail(message) {
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

const systeminformation = await deflatedSysteminformation();

/** What both bundles share: every dependency inlined, the version baked in, minified. */
const common = {
  entryPoints: [ENTRY],
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'eof',
  plugins: [absentAddons, rxjsEsm, systeminformation.plugin, builtinsOnUse],
  define: { __WIDGETS_SERVICE_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

/** dist/widgets-service.mjs: ESM; CommonJS dependencies (systeminformation, polka, ws) get a real require for Node's built-ins. */
async function bundleModule(outfile) {
  return build({
    metafile: true,
    ...common,
    format: 'esm',
    outfile,
    banner: { js: "import { createRequire as __widgetsCreateRequire } from 'node:module'; const require = __widgetsCreateRequire(import.meta.url);" },
  });
}

/** Node 20's SEA runs one CommonJS script whose require() sees only built-ins: the same code as CommonJS. */
async function bundleForSea(outfile) {
  await build({
    ...common,
    format: 'cjs',
    outfile,
    define: { ...common.define, 'import.meta.url': '__widgetsImportMetaUrl' },
    banner: { js: "const __widgetsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}

/** The bundles hold code of these packages: their licences (all MIT/ISC/BSD/Apache) ship beside them. */
function writeLicenses(metafile, outfile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
  const sections = [...packages].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
    return `${pkg.name}@${pkg.version}\n\n${text}\n`;
  });
  writeFileSync(outfile, `widgets-service ${version} bundles the following packages.\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`);
}

/** Which platform a node binary is for, from its first bytes (so a downloaded one needs no running). */
function platformOf(file) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if (head.toString('latin1') === '\x7fELF') return 'linux';
  if (head.subarray(0, 2).toString('latin1') === 'MZ') return 'windows';
  const magic = head.readUInt32BE(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'macos';
  fail(`${file} is not a node executable (neither ELF, Mach-O nor PE)`);
}

const hostPlatform = { linux: 'linux', darwin: 'macos', win32: 'windows' }[process.platform];

/** Runs a build step; its own chatter (stdout, and stderr when `quiet`) is not shown unless it fails. */
function run(command, args, { quiet = false } = {}) {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'] });
  } catch (error) {
    fail(`${command} ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

async function buildExecutable(bundle, nodeBinary) {
  const target = platformOf(nodeBinary);
  const native = realpathSync(nodeBinary) === realpathSync(process.execPath);
  const out = join(DIST, SEA_NAMES[target]);
  const config = join(SEA_DIR, 'sea-config.json');
  const blob = join(SEA_DIR, 'widgets-service.blob');
  writeFileSync(config, JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's code cache is tied to the exact node binary that made it: only for a native build.
    useCodeCache: native,
  }, null, 2));
  // The blob is made by the Node running this script; the target binary must be the same Node version.
  if (!native && !readFileSync(nodeBinary).includes(process.version)) {
    process.stderr.write(`warning: ${nodeBinary} does not look like Node ${process.version}, which makes the blob; ` +
      `use that version's official binary for the target, or the executable may not start\n`);
  }
  run(process.execPath, ['--experimental-sea-config', config], { quiet: true });
  rmSync(out, { force: true });
  copyFileSync(nodeBinary, out);
  chmodSync(out, 0o755);
  // Node's Linux binaries carry ~12 MiB of symbols nobody needs at run time. Best effort: without
  // strip, or for another architecture's binary, the executable just stays that much larger.
  if (target === 'linux' && hostPlatform === 'linux') {
    try {
      execFileSync('strip', [out], { stdio: 'ignore' });
    } catch {
      // left as it was
    }
  }
  if (target === 'macos' && hostPlatform === 'macos') run('codesign', ['--remove-signature', out]);
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  const injected = spawnSync(process.execPath, [
    postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE,
    ...(target === 'macos' ? ['--macho-segment-name', 'NODE_SEA'] : []),
  ], { encoding: 'utf8' });
  // LIEF (inside postject) warns once per unnamed .note section of Node's ELF binary: harmless noise.
  const messages = `${injected.stdout}${injected.stderr}`.split('\n').filter((l) => l && !/Can't find string offset for section name/.test(l));
  if (injected.status !== 0) {
    rmSync(out, { force: true });
    fail(`postject could not inject into ${nodeBinary}:\n${messages.join('\n')}\n` +
      'A node from a distribution package may lack SEA support; download the official binary from nodejs.org and pass --node <path>.');
  }
  if (target === 'macos') {
    if (hostPlatform === 'macos') run('codesign', ['--sign', '-', out]);
    else process.stderr.write(`note: sign ${SEA_NAMES.macos} on a Mac before use (codesign --sign - ${SEA_NAMES.macos}); Apple silicon refuses unsigned binaries\n`);
  }
  return out;
}

const options = parseArgs(process.argv.slice(2));
const started = Date.now();
mkdirSync(SEA_DIR, { recursive: true });
const built = [];
const moduleFile = join(DIST, 'widgets-service.mjs');
const { metafile } = await bundleModule(moduleFile);
const licenses = join(DIST, 'widgets-service.licenses.txt');
writeLicenses({ inputs: { ...metafile.inputs, ...systeminformation.inputs } }, licenses);
chmodSync(moduleFile, 0o755);
built.push(moduleFile, licenses);
if (options.sea) {
  const nodeBinary = options.node ? resolve(options.node) : process.execPath;
  try {
    statSync(nodeBinary);
  } catch {
    fail(`--node ${options.node}: no such file`);
  }
  const seaBundle = join(SEA_DIR, 'widgets-service.cjs');
  await bundleForSea(seaBundle);
  built.push(await buildExecutable(seaBundle, nodeBinary));
}

if (options.quiet) process.exit(0);
const mb = (bytes) => (bytes < 2 ** 20 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
process.stdout.write(`built widgets-service ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
for (const file of built) process.stdout.write(`  ${relative(ROOT, file).padEnd(34)} ${mb(statSync(file).size).padStart(9)}\n`);
process.stdout.write(`run:  node ${relative(ROOT, moduleFile)} [port]`);
if (options.sea) process.stdout.write(`   or   ${relative(ROOT, built.at(-1))} [port]`);
process.stdout.write('\n');
