/**
 * Typed-array views over shared buffers, built once per thread and reused for every shard
 * that names the same buffer (piscina style: thin workers, views built once).
 */
const f64 = new WeakMap<SharedArrayBuffer, Float64Array>();

export function float64View(buffer: SharedArrayBuffer): Float64Array {
  let v = f64.get(buffer);
  if (v === undefined) {
    v = new Float64Array(buffer);
    f64.set(buffer, v);
  }
  return v;
}
