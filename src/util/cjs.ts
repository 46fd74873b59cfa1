/**
 * `require` for the CommonJS builds of dependencies that ship both. Imported from an ES module, a CommonJS package
 * first goes through Node's export scanner and an ES module package through the ESM loader file by file; `require`
 * of the same package's CommonJS build costs less CPU at start-up (measured on Node 20: openpgp 0.19 s against
 * 0.22 s of process CPU, csv-parse 0.11 s against 0.13 s), paid by every command that loads them. Types still come
 * from `import type`.
 */
import { createRequire } from 'node:module';

export const requireCjs = createRequire(import.meta.url);
