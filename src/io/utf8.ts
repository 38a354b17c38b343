/**
 * UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), for
 * readers that must refuse invalid text rather than let the decoder turn it into U+FFFD.
 */
import { isUtf8 } from 'node:buffer';

/**
 * Length of the valid UTF-8 sequence whose lead byte (>= 0x80) is at `i`: 2-4; -1 when the
 * bytes are invalid; 0 when the sequence runs past `end` (more bytes are needed to decide).
 * O(1), no allocation.
 */
export function utf8SequenceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  let need: number, lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0; // overlong
    else if (c === 0xed) hi = 0x9f; // UTF-16 surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90; // overlong
    else if (c === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return -1;
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return 0;
    const d = b[i + k];
    if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return -1;
  }
  return need + 1;
}

/** Index of the first byte of `b` that is not valid UTF-8, or -1 when all of it is. O(bytes). */
export function firstInvalidUtf8(b: Uint8Array): number {
  // The native check answers the common case; only an invalid input pays for the JS scan.
  if (isUtf8(b)) return -1;
  for (let i = 0; i < b.length; ) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceAt(b, i, b.length);
    if (n <= 0) return i;
    i += n;
  }
  return -1;
}
