/**
 * Float64 values of a length known only at the end of a stream (CSV rows), kept in fixed
 * 1 MiB blocks: appending never copies what is already stored (a doubling array would hold
 * 1.5-3x the data at each resize), and `toShared` copies the blocks once into an exact-size
 * SharedArrayBuffer for the worker pool. Peak memory: the blocks + the final buffer, about
 * 2 x 8 bytes a value. The owner checks the memory budget before each new block.
 */
import { resourceError } from '../errors.js';
import { formatBytes } from '../config/limits.js';
import { getHeapStatistics } from 'node:v8';

export const BLOCK_VALUES = 1 << 17;

export class Float64Blocks {
  private readonly blocks: Float64Array[] = [];
  private cur: Float64Array | null = null;
  /** Values stored in the current block. */
  used = BLOCK_VALUES;
  length = 0;

  /** The current block, for a caller writing at [used, used + count) after `reserve(count)` and then calling `commit(count)`. */
  get block(): Float64Array {
    return this.cur!;
  }

  /** Count `count` values written straight into `block` at `used`. */
  commit(count: number): void {
    this.used += count;
    this.length += count;
  }

  /**
   * Make room for `count` more values (at most BLOCK_VALUES at once); `check` is called with
   * the bytes the blocks will then hold, before allocating, so the caller can refuse.
   */
  reserve(count: number, check: (bytesHeld: number) => void): void {
    if (this.used + count <= BLOCK_VALUES) return;
    // A row never straddles blocks: the rest of the current block stays unused (at most a row).
    check((this.blocks.length + 1) * BLOCK_VALUES * 8);
    this.finishBlock();
    this.cur = new Float64Array(BLOCK_VALUES);
    this.used = 0;
  }

  private finishBlock(): void {
    if (this.cur !== null) this.blocks.push(this.cur.subarray(0, this.used));
    this.cur = null;
  }

  /** Append one value (after `reserve`). */
  push(v: number): void {
    this.cur![this.used++] = v;
    this.length++;
  }

  /** The values in an exact-size SharedArrayBuffer; the blocks are released. O(length). */
  toShared(): { buffer: SharedArrayBuffer; data: Float64Array } {
    this.finishBlock();
    const buffer = new SharedArrayBuffer(this.length * 8);
    const data = new Float64Array(buffer);
    let at = 0;
    for (const b of this.blocks) {
      data.set(b, at);
      at += b.length;
    }
    this.blocks.length = 0;
    return { buffer, data };
  }
}

/**
 * Refuse an input whose kept data would exceed the memory budget (`--max-memory`), naming the
 * file and both figures. `bytes` is the estimate for what is held at the peak.
 */
export function checkInputMemory(file: string, bytes: number, maxMemory: number, what: string): void {
  if (bytes > maxMemory) {
    throw resourceError(`${file}: ${what} would need more than ${formatBytes(bytes)} of memory, above the --max-memory budget of ${formatBytes(maxMemory)} (README, Limits)`);
  }
}

/** Bytes the V8 heap can hold in total (strings and plain arrays live there, typed arrays do not). */
export function heapLimit(): number {
  return getHeapStatistics().heap_size_limit;
}
