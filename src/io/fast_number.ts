/**
 * Fast path for decimal cells: parse the bytes text[start, end) of an ASCII/UTF-8 file
 * directly, without decoding them into a string, when the result is certainly the one
 * Number() would give, else NaN so the caller falls back to `parseNumberCell` (which also builds the error message).
 *
 * Exactness (Clinger 1990, "How to read floating point numbers accurately"): with at most 15
 * significant digits the mantissa m is an exact integer below 2^53, and 10^k is exact for
 * k <= 22, so m * 10^k or m / 10^k is ONE correctly rounded IEEE operation on exact inputs:
 * the correctly rounded value of the decimal, which is what Number() returns. Anything else
 * (more digits, a larger exponent, spaces, hex, 'NaN', an empty cell) returns NaN here.
 * O(length of the cell), no allocation.
 */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where the last successful parse stopped: `end`, or the index of the comma that ended the cell. */
export let parsedEnd = 0;

/**
 * Parses the cell starting at `start` and ending at the first comma or at `end`, whichever
 * comes first (so a CSV reader needs no separate search for the delimiter); returns NaN when
 * it cannot certify the value, else sets `parsedEnd`.
 */
export function parseDecimalFast(text: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = text[i];
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
  }
  let m = 0;
  let digits = 0; // significant digits taken into m (leading zeros do not count)
  let seen = 0; // digits seen at all
  let scale = 0; // power of ten to apply to m
  let dot = false;
  for (; i < end; i++) {
    c = text[i];
    if (c >= 48 && c <= 57) {
      seen++;
      if (m === 0 && c === 48) {
        if (dot) scale--;
        continue;
      }
      if (++digits > 15) return NaN;
      m = m * 10 + (c - 48);
      if (dot) scale--;
    } else if (c === 46 /* . */ && !dot) {
      dot = true;
    } else break;
  }
  if (seen === 0) return NaN;
  if (i < end && c !== 44 /* , */) {
    if (c !== 101 && c !== 69) return NaN; // e / E
    i++;
    let eNeg = false;
    c = text[i];
    if (c === 45 || c === 43) {
      eNeg = c === 45;
      i++;
    }
    let e = 0, eDigits = 0;
    for (; i < end; i++) {
      c = text[i];
      if (c === 44) break;
      if (c < 48 || c > 57 || ++eDigits > 4) return NaN;
      e = e * 10 + (c - 48);
    }
    if (eDigits === 0) return NaN;
    scale += eNeg ? -e : e;
  }
  let v: number;
  if (m === 0) v = 0;
  else if (scale >= 0 && scale <= 22) v = m * POW10[scale];
  else if (scale < 0 && scale >= -22) v = m / POW10[-scale];
  else return NaN;
  parsedEnd = i;
  return negative ? -v : v;
}
