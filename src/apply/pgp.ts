/**
 * OpenPGP encryption of delivered passwords (the `openpgp` library, loaded only when a key is used). A key is
 * checked when loaded, so an apply with a key that cannot encrypt stops before its first write to IAM.
 */
import { readFile } from 'node:fs/promises';

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
  const openpgp = await import('openpgp');
  let armored: string;
  try {
    armored = await readFile(path, 'utf8');
  } catch (error) {
    throw new KeyError(`cannot read OpenPGP key ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw new KeyError(`${path} is not an ASCII-armored OpenPGP public key: ${(error as Error).message}`);
  }
  if (key.isPrivate()) throw new KeyError(`${path} holds a private key; give the public key (gpg --armor --export)`);
  try {
    await key.getEncryptionKey();
  } catch (error) {
    throw new KeyError(`${path} cannot encrypt (${(error as Error).message}): it may be expired, revoked or signing-only`);
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
