import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by the package's version when scripts/build-dist.mjs bundles the service (esbuild `define`). */
declare const __WIDGETS_SERVICE_VERSION__: string | undefined;

/**
 * The package version: baked in by the bundler for dist/widgets-service.mjs and the single
 * executables (no package.json travels with them); else found by walking up from this file
 * (works from lib/ and from dist/lib/).
 */
export const VERSION: string = typeof __WIDGETS_SERVICE_VERSION__ === 'string' ? __WIDGETS_SERVICE_VERSION__ : findVersion();

function findVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'widgets-service' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}
