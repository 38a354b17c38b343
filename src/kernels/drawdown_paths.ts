/**
 * Monte Carlo equity paths for the breach gate (docs/methodology.md, "Monte Carlo"): one shard = a fixed range of
 * paths, each resampling the trade sequence (iid bootstrap, Politis-Romano stationary
 * bootstrap, or a Fisher-Yates permutation) and walking the equity curve to record
 * whether it breached, its maximum drawdown (fraction of the running peak) and its final
 * equity.
 *
 * This is the fast kernel. test/twins/drawdown_paths_reference.ts is its plain twin (seedrandom
 * closure per draw, one obvious loop) and the parity test requires identical breach counts
 * and per-path values to 1e-12 relative. To reach the brief's throughput (>= 200 M
 * path-steps/s per thread for iid) the loops here:
 *   - step the tychei generator inline on local int32 variables from the state the task
 *     carries (the same arithmetic as `tycheiNext` in src/rng/tychei.ts, so the stream
 *     equals seedrandom's `int32()`);
 *   - are specialised per (method x unit), so no mode branch sits in the inner loop;
 *   - carry no data-dependent branch per step. New peaks and new drawdowns arrive at
 *     random, so `if (equity > peak)` mispredicts often on trending paths (micro-benchmark,
 *     CPU time, iid: the branchy version with a cached peak x (1 - maxDD) level ran at
 *     ~215 M/s on trades with a realistic edge and ~277 M/s on driftless ones; this form
 *     ~220 M/s on both, and Math.max/Math.min in its place ~155 M/s).
 *     The running maxima use max(x, y) = x + relu(y - x), relu(z) = (z + |z|) / 2, which
 *     is exact in IEEE arithmetic (z + |z| is 2z or 0) and, by Sterbenz's lemma, returns
 *     y itself whenever x <= y <= 2x; so peak, max drawdown, min equity and max drop equal
 *     the reference's to within an ulp. The one division per step is off the critical
 *     dependency chain (removing it measured no faster).
 *   - test the breach rule at every step in the documented form (docs/methodology.md, "Monte Carlo"), equity <= a x peak + b
 *     (`breachLine`), branch-free (`hit |= +(...)`): a path counts at most once.
 *
 * Chart data: the equity of the shard's first `recordPaths` paths after each of `recordSteps`
 * trades (the gate's fan chart). Each path is walked in segments ending at those steps, and
 * the equity is stored once at each segment's end (into a scratch row for the paths not
 * recorded), so the per-step body is unchanged and no step tests whether to record.
 *
 * Cost: O(paths x horizon) time; O(n) extra memory per shard (the 1 + r table, or the
 * permutation work array) plus the two per-path arrays it returns and the recorded
 * recordPaths x recordSteps equities.
 */
import type { TradeUnit } from '../io/types.js';
import { INV_2_32 } from '../rng/tychei.js';
import { float64View } from './views.js';

export type MonteCarloMethod = 'stationary' | 'iid' | 'permutation';
export type BreachRuleName = 'drawdown' | 'static' | 'trailing';

export interface MonteCarloShardTask {
  kind: 'monteCarlo';
  shardIndex: number;
  /**
   * The tychei state [a, b, c, d] this shard's draws start from, derived by the gate
   * (shardRngState(seed, 'monteCarlo', shardIndex), src/rng/streams.ts); the kernel steps a copy.
   */
  rng: readonly number[];
  /** The trades' SharedArrayBuffer (never a copy); the first `n` float64s are the trade values. */
  trades: SharedArrayBuffer;
  n: number;
  unit: TradeUnit;
  method: MonteCarloMethod;
  /** Paths in this shard (the gate's paths [shardIndex x shardSize, ...)). */
  paths: number;
  /** Trades per path (permutation: always n). */
  horizon: number;
  /** Stationary bootstrap mean block length b >= 1 (ignored by the other methods). */
  blockLength: number;
  /** Equity at the start of each path: initialEquity, or 1 in `return` mode without one. */
  startEquity: number;
  rule: BreachRuleName;
  /** drawdown/static: fraction in (0, 1); trailing: currency amount > 0. */
  limit: number;
  /**
   * Chart data (the gate's fan chart): the equity of this shard's first `recordPaths` paths
   * after each of these trade counts (strictly increasing, the last one = the horizon), or
   * nothing when absent (or with recordPaths 0).
   */
  recordSteps?: readonly number[];
  recordPaths?: number;
}

export interface MonteCarloShardResult {
  shardIndex: number;
  /** Paths of this shard that breached (each at most once). */
  breaches: number;
  /** Per path: max over steps of (peak - equity) / peak, peak including the start. */
  maxDrawdown: Float64Array;
  /** Per path: equity after the last trade. */
  finalEquity: Float64Array;
  /**
   * The first `recordPaths` paths' equity after each of `recordSteps` trades, path after path
   * (recordPaths x recordSteps.length, row-major; empty when nothing is recorded).
   */
  equityAtSteps: Float64Array;
}

/** Mutable per-shard outputs and constants shared by the specialised loops. */
interface Frame {
  v: Float64Array; // trade values (pnl) or growth factors 1 + r (return)
  n: number;
  paths: number;
  horizon: number;
  start: number;
  restartBelow: number; // stationary: restart a block when u32 < (1 / b) x 2^32
  rng: Int32Array; // tychei state [a, b, c, d], written back after the shard
  maxDrawdown: Float64Array;
  finalEquity: Float64Array;
  /** Breach threshold per step = ruleA x peak + ruleB (see breachLine). */
  ruleA: number;
  ruleB: number;
  /** Out: breaching paths of the shard. */
  breaches: number;
  /**
   * Segment ends: the trade counts after which the equity is recorded (recordSteps), or just
   * [horizon] when nothing is recorded. Paths are walked segment by segment, so recording
   * costs one store per segment, never a test per step.
   */
  ends: Int32Array;
  /** Paths recorded (the first ones); their rows in `record`, the others write to `scratch`. */
  recordPaths: number;
  record: Float64Array;
  scratch: Float64Array;
}

/**
 * The breach rules (docs/methodology.md, "Monte Carlo") as one line in (peak, equity): a path breaches at the first step
 * where equity <= a x peak + b, the peak including the current equity:
 *   drawdown: a = 1 - limit, b = 0        (equity <= (1 - limit) x peak)
 *   static:   a = 0,         b = start x (1 - limit)
 *   trailing: a = 1,         b = -limit   (equity <= peak - limit)
 * Each threshold is computed exactly as the documented expression (1 x peak + (-limit) is
 * peak - limit, 0 x peak + b is b), so the loops compare exactly what the reference twin
 * compares, branch-free (`hit |= +(equity <= threshold)`), and a path counts at most once.
 */
export function breachLine(rule: BreachRuleName, limit: number, startEquity: number): [number, number] {
  if (rule === 'drawdown') return [1 - limit, 0];
  if (rule === 'static') return [0, startEquity * (1 - limit)];
  return [1, -limit];
}

/** Segment ends and the recording buffer of a shard (checked: the last step is the horizon). */
function recording(task: MonteCarloShardTask, horizon: number): { ends: Int32Array; recordPaths: number; record: Float64Array } {
  const steps = task.recordSteps ?? [];
  const recordPaths = Math.min(task.recordPaths ?? 0, task.paths);
  if (recordPaths <= 0 || steps.length === 0) return { ends: Int32Array.of(horizon), recordPaths: 0, record: new Float64Array(0) };
  for (let i = 0; i < steps.length; i++) {
    const prev = i === 0 ? 0 : steps[i - 1];
    if (!Number.isInteger(steps[i]) || steps[i] <= prev || steps[i] > horizon) throw new RangeError(`monteCarloShard: record step ${steps[i]} is not increasing within 1..${horizon}`);
  }
  if (steps[steps.length - 1] !== horizon) throw new RangeError(`monteCarloShard: the last record step must be the horizon ${horizon}`);
  return { ends: Int32Array.from(steps), recordPaths, record: new Float64Array(recordPaths * steps.length) };
}

export function monteCarloShard(task: MonteCarloShardTask): MonteCarloShardResult {
  const values = float64View(task.trades);
  const n = task.n;
  // A thread-private table per shard (O(n), against O(paths x horizon) steps): the growth
  // factors 1 + r (the reference's (1 + r) per step, computed once), or the pnl values.
  // Reading a private array instead of the shared one also keeps the hot loops monomorphic.
  const v = new Float64Array(n);
  if (task.unit === 'return') for (let i = 0; i < n; i++) v[i] = 1 + values[i];
  else for (let i = 0; i < n; i++) v[i] = values[i];
  const line = breachLine(task.rule, task.limit, task.startEquity);
  const horizon = task.method === 'permutation' ? n : task.horizon;
  const rec = recording(task, horizon);
  const f: Frame = {
    v,
    n,
    paths: task.paths,
    horizon,
    start: task.startEquity,
    restartBelow: (1 / task.blockLength) * 4294967296,
    rng: Int32Array.from(task.rng),
    maxDrawdown: new Float64Array(task.paths),
    finalEquity: new Float64Array(task.paths),
    ruleA: line[0],
    ruleB: line[1],
    breaches: 0,
    ends: rec.ends,
    recordPaths: rec.recordPaths,
    record: rec.record,
    scratch: new Float64Array(rec.ends.length),
  };
  const compounding = task.unit === 'return';
  switch (task.method) {
    case 'iid':
      if (compounding) iidReturn(f); else iidPnl(f);
      break;
    case 'stationary':
      if (compounding) stationaryReturn(f); else stationaryPnl(f);
      break;
    case 'permutation':
      if (compounding) permutationReturn(f); else permutationPnl(f);
      break;
  }
  return { shardIndex: task.shardIndex, breaches: f.breaches, maxDrawdown: f.maxDrawdown, finalEquity: f.finalEquity, equityAtSteps: f.record };
}

// ---------------------------------------------------------------------------------------
// The six specialised loops: (iid | stationary | permutation) x (return | pnl). They differ
// only in how the next index is drawn and in whether equity compounds (eq *= 1 + r: with
// r > -1 validated, 1 + r > 0, so equity stays >= 0 and 0 is absorbing without a clamp) or
// adds (eq += pnl). The per-step tracking body is the same text in all six.
// Index = floor(u32 x n / 2^32) = (u32 x (n 2^-32)) | 0: n 2^-32 is exact, and u32 x n is
// exact below 2^53 (n < 2^21), so this is `uniformIndex` bit for bit.
// ---------------------------------------------------------------------------------------

function iidReturn(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  for (let p = 0; p < P; p++) {
    let eq = start, peak = start, maxDD = 0, hit = 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
        b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
        eq *= v[((a >>> 0) * scaleN) | 0];
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}

function iidPnl(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  for (let p = 0; p < P; p++) {
    let eq = start, peak = start, maxDD = 0, hit = 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
        b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
        eq += v[((a >>> 0) * scaleN) | 0];
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}

/**
 * Stationary bootstrap (Politis & Romano 1994): the first index is uniform; every later
 * step makes ONE draw u32 and restarts when u32 < R = 2^32 / b (probability 1 / b), else
 * continues at previous + 1 mod n. Given a restart, u32 is uniform on the R integers
 * below R, so the fresh index is floor(u32 x n / R): each index gets floor(R/n) or
 * ceil(R/n) of those integers, a relative bias of at most n / R = n b / 2^32 (2.3e-5 at
 * n = 1,000, b = 100; b is capped at 3 sqrt(n) by Appendix A), far below Monte Carlo
 * error. One draw per step instead of two (restart decision + fresh index) raised the
 * throughput from ~128 M to ~180 M path-steps/s here. The choice stays branch-free (a
 * restart with probability ~0.8 at b ~ 1.2 would mispredict constantly), and the stream
 * layout is fixed at H draws per path. The reference twin draws exactly the same way.
 */
function stationaryReturn(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  const restartBelow = f.restartBelow, freshScale = n / restartBelow;
  for (let p = 0; p < P; p++) {
    let eq = start, peak = start, maxDD = 0, hit = 0;
    b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
    let idx = ((a >>> 0) * scaleN) | 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        if (h !== 0) {
          b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
          b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
          const u = a >>> 0;
          // restart = -1 when u32 < restartBelow, else 0 (floor of a value in [-1, 1)).
          const restart = Math.floor((u - restartBelow) * INV_2_32) | 0;
          // Only used on a restart, when it lies in [0, n); otherwise masked out below.
          const fresh = (u * freshScale) | 0;
          let next = idx + 1;
          next -= n & ((n - 1 - next) >> 31); // wrap n -> 0 without a branch
          idx = (fresh & restart) | (next & ~restart);
        }
        eq *= v[idx];
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}

function stationaryPnl(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  const restartBelow = f.restartBelow, freshScale = n / restartBelow;
  for (let p = 0; p < P; p++) {
    let eq = start, peak = start, maxDD = 0, hit = 0;
    b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
    let idx = ((a >>> 0) * scaleN) | 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        if (h !== 0) {
          b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
          b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
          const u = a >>> 0;
          // restart = -1 when u32 < restartBelow, else 0 (floor of a value in [-1, 1)).
          const restart = Math.floor((u - restartBelow) * INV_2_32) | 0;
          // Only used on a restart, when it lies in [0, n); otherwise masked out below.
          const fresh = (u * freshScale) | 0;
          let next = idx + 1;
          next -= n & ((n - 1 - next) >> 31); // wrap n -> 0 without a branch
          idx = (fresh & restart) | (next & ~restart);
        }
        eq += v[idx];
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}

/**
 * Permutation (Durstenfeld's forward Fisher-Yates, one path = one uniform reshuffle of all
 * n trades): step h swaps position h with position h + floor(u32 (n - h) / 2^32) and
 * takes it. The work array restarts from the original order for every path, so a path
 * depends only on its own n draws.
 */
function permutationReturn(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  const work = new Float64Array(n);
  for (let p = 0; p < P; p++) {
    work.set(v);
    let eq = start, peak = start, maxDD = 0, hit = 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
        b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
        const j = h + (((a >>> 0) * (n - h) * INV_2_32) | 0);
        const x = work[j];
        work[j] = work[h];
        work[h] = x;
        eq *= x;
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}

function permutationPnl(f: Frame): void {
  const v = f.v, n = f.n, P = f.paths, start = f.start, scaleN = n * INV_2_32;
  const outMaxDD = f.maxDrawdown, outFinal = f.finalEquity, ruleA = f.ruleA, ruleB = f.ruleB;
  const ends = f.ends, segments = ends.length, recordPaths = f.recordPaths, record = f.record, scratch = f.scratch;
  let breaches = 0;
  let a = f.rng[0], b = f.rng[1], c = f.rng[2], d = f.rng[3];
  const work = new Float64Array(n);
  for (let p = 0; p < P; p++) {
    work.set(v);
    let eq = start, peak = start, maxDD = 0, hit = 0;
    const row = p < recordPaths ? record : scratch, at = p < recordPaths ? p * segments : 0;
    for (let s = 0, h = 0; s < segments; s++) {
      for (const end = ends[s]; h < end; h++) {
        b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
        b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
        const j = h + (((a >>> 0) * (n - h) * INV_2_32) | 0);
        const x = work[j];
        work[j] = work[h];
        work[h] = x;
        eq += x;
        const up = eq - peak;
        peak += 0.5 * (up + Math.abs(up));
        const drop = peak - eq;
        const gDD = drop / peak - maxDD;
        maxDD += 0.5 * (gDD + Math.abs(gDD));
        hit |= +(eq <= ruleA * peak + ruleB);
      }
      row[at + s] = eq;
    }
    outMaxDD[p] = maxDD; outFinal[p] = eq; breaches += hit;
  }
  f.rng[0] = a; f.rng[1] = b; f.rng[2] = c; f.rng[3] = d;
  f.breaches = breaches;
}
