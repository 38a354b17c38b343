import { createHash } from 'node:crypto';

/** SHA-256 of bytes as lowercase hex (input provenance, model artifact check). O(bytes). */
export function sha256Hex(bytes: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
