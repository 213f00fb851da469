import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** spec/fixtures/darwin: real macOS tool output (provenance in its README). */
export const DARWIN_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'darwin');
export const readDarwinFixture = (name: string): string => readFileSync(join(DARWIN_FIXTURES, name), 'utf8');
