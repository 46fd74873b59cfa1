/**
 * AWS-shaped identifiers: unique IDs (`AIDA...` users, `AROA...` roles, `AKIA...` / `ASIA...` access keys),
 * Organizations IDs (`o-...`, `r-...`, `ou-...`), secrets and session tokens.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The prefixes IAM and STS put on the IDs the sandbox issues. */
export type IdPrefix = 'AIDA' | 'AROA' | 'AKIA' | 'ASIA';

/**
 * `prefix` followed by `length` characters of [A-Z2-7]. With `derivedFrom`, the ID is a hash of that text, so an
 * account built twice from one seed has the same IDs (and so the same ARNs and report rows); otherwise random.
 */
export function awsId(prefix: IdPrefix, length: number, derivedFrom?: string): string {
  return prefix + encode(ALPHABET, length, derivedFrom);
}

/** `length` characters of [a-z0-9], derived from `derivedFrom`: the shape of Organizations IDs. */
export function organizationsIdPart(length: number, derivedFrom: string): string {
  return encode(LOWER_ALPHANUMERIC, length, derivedFrom);
}

function encode(alphabet: string, length: number, derivedFrom: string | undefined): string {
  const bytes = derivedFrom === undefined ? randomBytes(length) : createHash('sha256').update(derivedFrom).digest();
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length];
  return id;
}

/** Unique ID lengths as IAM issues them: 21 characters for users and roles, 20 for access keys. */
export const USER_ID_LENGTH = 17;
export const ACCESS_KEY_ID_LENGTH = 16;

/** What an access key ID looks like: `AKIA` (long-term) or `ASIA` (temporary) and 16 more of [A-Z0-9]. */
export const ACCESS_KEY_ID_PATTERN = /^A[KS]IA[A-Z0-9]{16}$/;

/** A 40-character secret, returned once by CreateAccessKey and never stored (IAM cannot return it again either). */
export function secretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** A session token for temporary credentials: opaque, long, and only its hash is kept. */
export function sessionToken(): string {
  return `IQoJsandbox${randomBytes(96).toString('base64')}`;
}

/** The hash under which a session token is kept, so the state file holds nothing a client could sign with. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A UUID-shaped ID derived from `text` (event and request IDs of seeded events, stable across builds). */
export function derivedUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
