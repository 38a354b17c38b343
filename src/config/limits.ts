/**
 * Every documented bound on inputs and resources (README, "Limits"): file sizes checked from
 * fstat before a byte is read, the longest CSV line, option maxima, the memory budget and the
 * work limit each gate's plan is checked against before it allocates.
 */
import { totalmem } from 'node:os';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Largest input file of each kind, in bytes. JSON inputs are small documents read whole; CSVs
 * are streamed (memory follows the numbers kept, not the file), so their bound only keeps a
 * run's time sane; the model artifact is only hashed, in fixed-size chunks.
 */
export const FILE_LIMITS = {
  /** candidate.json and --policy files. */
  json: 1 * MiB,
  /** --against champion manifests: they embed a whole earlier report. */
  champion: 64 * MiB,
  /** returns.csv and trades.csv. */
  csv: 4 * GiB,
  /** The model artifact named in candidate.json. */
  artifact: 64 * GiB,
} as const;

/** Longest CSV line (one record, quoted line breaks included) a reader buffers. */
export const MAX_CSV_LINE_BYTES = 16 * MiB;

/** Deepest JSON nesting accepted (a policy needs 4 levels; this only stops a stack overflow). */
export const MAX_JSON_DEPTH = 64;

/** Option maxima beyond what the schemas' meaning already bounds. */
export const OPTION_LIMITS = {
  /** Monte Carlo paths (the memory budget usually binds first: 32 bytes a path). */
  paths: 100_000_000,
  /** Trades per Monte Carlo path. */
  horizon: 10_000_000,
  /** PBO combinations evaluated; C(32, 16) = 601,080,390 is the most S <= 32 can give. */
  maxCombinations: 1_000_000_000,
  /** Stationary bootstrap mean block length. */
  blockLength: 1_000_000_000,
  /** Walk-forward gap in rows. */
  gap: 1_000_000_000,
  /** Annualisation factor: beyond a million periods a year (about one every 30 s) it is a unit slip. */
  periodsPerYear: 1_000_000,
  /**
   * Starting equity and a pnl trade's magnitude: above 1e15 a currency amount no longer
   * holds cents exactly in float64 (2^53 is about 9e15), and sums of millions of them stay
   * far from overflow.
   */
  currency: 1e15,
  /** Pool threads per available core: more only adds memory and contention. */
  workersPerCore: 4,
} as const;

/**
 * Work limit per gate, in inner-loop element operations (path-steps, combination x column
 * evaluations, matrix cells): 10^12 is hours on one core. A plan above it is refused up front
 * instead of running for days.
 */
export const MAX_GATE_WORK = 1e12;

/** Share of the machine's memory the default budget allows. */
export const DEFAULT_MEMORY_FRACTION = 0.5;

/**
 * Memory the machine (or its cgroup, when the process runs in a container) makes available:
 * min(os.totalmem(), process memory constraint). O(1).
 */
export function machineMemory(): number {
  const total = totalmem();
  // constrainedMemory() answers 0 or 2^64 when there is no constraint.
  const limit = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  return limit > 0 && limit < total ? limit : total;
}

/** The default --max-memory: half the machine's memory. */
export function defaultMaxMemory(): number {
  return Math.floor(machineMemory() * DEFAULT_MEMORY_FRACTION);
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, kb: KiB, kib: KiB, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB, t: 1024 * GiB, tb: 1024 * GiB, tib: 1024 * GiB };

/**
 * A byte size as a user writes it: `2G`, `512M`, `1.5GiB`, `1048576` (binary units, case
 * insensitive). Returns null when the text is not one. O(length).
 */
export function parseByteSize(raw: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  if (!m) return null;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return null;
  const v = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(v) ? v : null;
}

/** Bytes as a short human figure (binary units), for messages. */
export function formatBytes(n: number): string {
  if (n >= GiB) return `${+(n / GiB).toFixed(2)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= KiB) return `${+(n / KiB).toFixed(1)} KiB`;
  return `${n} bytes`;
}
