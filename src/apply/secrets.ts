/**
 * Turns a password reference into the password, at the last moment. Only here (and in the generator) does a
 * password exist as a value; it is never returned inside an error.
 */
import { FILE_LIMITS, FileError, readRegularTextFile } from '../util/files.js';
import { printable } from '../util/printable.js';
import type { PasswordRules } from '../model/policy.js';
import type { PasswordSource } from '../model/plan.js';
import { generatePassword } from './password.js';

/** A reference that cannot be resolved; the message names the reference, never a value. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export async function resolvePassword(
  source: PasswordSource,
  rules: PasswordRules,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  switch (source.kind) {
    case 'generate':
      return generatePassword(rules, source.length);
    case 'env': {
      const value = env[source.name];
      if (value === undefined || value === '') throw new SecretError(`environment variable ${source.name} is not set`);
      return value;
    }
    case 'file': {
      let text: string;
      try {
        // a regular file of at most 4 KiB: a FIFO or device is refused by name, never waited on
        text = await readRegularTextFile(source.path, FILE_LIMITS.passwordFile);
      } catch (error) {
        if (!(error instanceof FileError)) throw error;
        throw new SecretError(error.message);
      }
      const value = text.replace(/\r?\n$/, '');
      if (value === '') throw new SecretError(`password file ${printable(source.path)} is empty`);
      return value;
    }
  }
}

/** "environment variable X" / "file P": how a supplied password is named in messages. */
export function describeSource(source: PasswordSource): string {
  switch (source.kind) {
    case 'generate':
      return 'a generated password';
    case 'env':
      return `environment variable ${source.name}`;
    case 'file':
      return `file ${printable(source.path)}`;
  }
}
