/**
 * OpenPGP encryption of delivered passwords (the `openpgp` library, loaded only when a key is used). A key is
 * checked when loaded, so an apply with a key that cannot encrypt stops before its first write to IAM.
 */
import type * as OpenPgp from 'openpgp';
import { requireCjs } from '../util/cjs.js';
import { FILE_LIMITS, FileError, readRegularTextFile } from '../util/files.js';
import { printable } from '../util/printable.js';

export interface EncryptionKey {
  path: string;
  /** Upper-case hex, as `gpg --fingerprint` shows it without spaces. */
  fingerprint: string;
  encrypt(text: string): Promise<string>;
}

/** A key file that cannot be used; the message says why and names the file. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

export async function loadEncryptionKey(path: string): Promise<EncryptionKey> {
  const openpgp = requireCjs('openpgp') as typeof OpenPgp;
  let armored: string;
  try {
    // a regular file of at most 1 MiB: a FIFO or device is refused by name, never waited on
    armored = await readRegularTextFile(path, FILE_LIMITS.pgpKey);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    throw new KeyError(error.message);
  }
  const name = printable(path);
  let key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw new KeyError(`${name} is not an ASCII-armored OpenPGP public key: ${printable((error as Error).message)}`);
  }
  if (key.isPrivate()) throw new KeyError(`${name} holds a private key; give the public key (gpg --armor --export)`);
  try {
    await key.getEncryptionKey();
  } catch (error) {
    throw new KeyError(`${name} cannot encrypt (${printable((error as Error).message)}): it may be expired, revoked or signing-only`);
  }
  return {
    path,
    fingerprint: key.getFingerprint().toUpperCase(),
    async encrypt(text) {
      const message = await openpgp.createMessage({ text });
      return (await openpgp.encrypt({ message, encryptionKeys: key, format: 'armored' })) as string;
    },
  };
}
