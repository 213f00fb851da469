// npm's `prepare` (after `npm ci` / `npm install` in a clone, and before `npm pack`): compile lib/
// to dist/lib with TypeScript (the library), then bundle dist/widgets-service.mjs with esbuild (what
// `npm start` and the package's bin run: one file loads in less memory than 200 modules). Without dev dependencies (`npm ci --omit=dev`) there is no
// TypeScript: the install still succeeds and says how to get something runnable.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'widgets-service: TypeScript is not installed (--omit=dev), so lib/ was not compiled to dist/lib.\n' +
    '  Run `npm ci` with dev dependencies, or build the self-contained service with ./build.sh (build.bat)\n' +
    '  and run `node dist/widgets-service.mjs [port]` anywhere without node_modules.\n',
  );
  process.exit(0);
}
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
const bundled = spawnSync(process.execPath, [fileURLToPath(new URL('./build-dist.mjs', import.meta.url)), '--no-sea', '--quiet'], { stdio: 'inherit' });
process.exit(bundled.status ?? 1);
