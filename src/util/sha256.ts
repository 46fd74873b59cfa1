import { createHash } from 'node:crypto';

/** Hex sha256: how a saved plan names the exact bytes of the file it was made from. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
