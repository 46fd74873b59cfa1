/**
 * The yaml library, loaded on first use. Files in plain YAML never need it (plain-yaml.ts reads them), and loading
 * it was a fifth of `validate`'s start. It is CommonJS, so it loads synchronously, wherever it is first needed; the
 * modules of the full path import only its types.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  library ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return library;
}
