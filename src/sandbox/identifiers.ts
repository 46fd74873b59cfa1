/** AWS-shaped identifiers: unique IDs (`AIDA...` users, `AKIA...` access keys) and access key secrets. */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * `prefix` followed by `length` characters of [A-Z2-7]. With `derivedFrom`, the ID is a hash of that text, so an
 * account built twice from one seed has the same IDs (and so the same ARNs and report rows); otherwise random.
 */
export function awsId(prefix: 'AIDA' | 'AKIA', length: number, derivedFrom?: string): string {
  const bytes = derivedFrom === undefined ? randomBytes(length) : createHash('sha256').update(derivedFrom).digest();
  let id = prefix;
  for (let i = 0; i < length; i++) id += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return id;
}

/** Unique ID lengths as IAM issues them: 21 characters for users, 20 for access keys. */
export const USER_ID_LENGTH = 17;
export const ACCESS_KEY_ID_LENGTH = 16;

/** A 40-character secret, returned once by CreateAccessKey and never stored (IAM cannot return it again either). */
export function secretAccessKey(): string {
  return randomBytes(30).toString('base64');
}
