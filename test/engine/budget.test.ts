/**
 * Resource plans: byte sizes as users write them, the plans' figures from the gates' own
 * dimensions, and refusals (exit 2, E_RESOURCE_LIMIT) that name the figures.
 */
import { describe, expect, it } from 'vitest';
import { defaultMaxMemory, formatBytes, machineMemory, MAX_GATE_WORK, parseByteSize } from '../../src/config/limits.js';
import { checkLogitsSize, checkPlan, checkPlans, monteCarloPlan, pboCombinations, pboPlan, walkForwardPlan, THREAD_BYTES } from '../../src/engine/budget.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { monteCarloGate } from '../../src/gates/monte_carlo/gate.js';
import { monteCarloOptionsSchema } from '../../src/gates/monte_carlo/options.js';
import { pboGate } from '../../src/gates/pbo/gate.js';
import { pboOptionsSchema } from '../../src/gates/pbo/options.js';
import { makeReturnsMatrix, makeTrades } from '../../src/io/types.js';

describe('byte sizes', () => {
  it.each([
    ['1048576', 1048576],
    ['512M', 512 * 2 ** 20],
    ['2G', 2 * 2 ** 30],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['64k', 65536],
    [' 3 mb ', 3 * 2 ** 20],
    ['1T', 2 ** 40],
  ])('%j = %d bytes', (raw, bytes) => expect(parseByteSize(raw)).toBe(bytes));
  it.each(['', 'G', '-1G', '2X', '1e9', '0x10', '1.2.3M'])('%j is not a size', (raw) => expect(parseByteSize(raw)).toBeNull());
  it('formats for messages', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 2 ** 30)).toBe('3 GiB');
  });
  it('defaults to half the machine memory', () => {
    expect(defaultMaxMemory()).toBe(Math.floor(machineMemory() / 2));
    expect(machineMemory()).toBeGreaterThan(0);
  });
});

describe('plans', () => {
  it('PBO combinations follow the gate: all C(S, S/2), or the sampled pairs', () => {
    expect(pboCombinations(16, 2_000_000)).toEqual({ total: 12870, evaluated: 12870 });
    expect(pboCombinations(32, 1_000_000)).toEqual({ total: 601080390, evaluated: 1_000_000 });
    expect(pboCombinations(32, 1_000_001)).toEqual({ total: 601080390, evaluated: 1_000_000 });
    expect(pboCombinations(15, 10).evaluated).toBe(0); // invalid S: the gate itself refuses it
  });
  it('grow with their dimensions', () => {
    const a = pboPlan(320, 6, 16, 2_000_000, false);
    expect(pboPlan(320, 6, 16, 2_000_000, true).bytes).toBeGreaterThan(a.bytes);
    expect(pboPlan(320, 6, 32, 1e9, false).bytes).toBeGreaterThan(100 * 2 ** 30); // the ~17 GB of the issue, and more with the merge
    expect(monteCarloPlan(2e6, 100, 100, 0).bytes).toBeGreaterThan(monteCarloPlan(1e6, 100, 100, 0).bytes);
    expect(monteCarloPlan(1e6, 1e6, 100, 0).work).toBe(1e12);
    expect(walkForwardPlan(1000, 100, 25, 6).bytes).toBeGreaterThan(walkForwardPlan(1000, 100, 13, 6).bytes);
  });
  it('refuse above the budget, the work limit, or together, naming the figures', () => {
    const p = monteCarloPlan(1e6, 100, 100, 0);
    expect(() => checkPlan(p, { maxMemory: p.bytes })).not.toThrow();
    expect(() => checkPlan(p, { maxMemory: p.bytes - 1 })).toThrow(/^monteCarlo: 1000000 paths x horizon 100 would need about .* above the --max-memory budget/);
    expect(() => checkPlan(p, { maxMemory: p.bytes, executor: { workers: 1 } })).toThrow(/--max-memory/);
    expect(() => checkPlan(p, { maxMemory: p.bytes + THREAD_BYTES, executor: { workers: 1 } })).not.toThrow();
    expect(() => checkPlan(monteCarloPlan(1e7, 1e6, 10, 0), { maxMemory: 2 ** 40 })).toThrow(`above the work limit of ${MAX_GATE_WORK.toExponential(0)}`);
    expect(() => checkPlans([p, p], { maxMemory: p.bytes * 1.5 })).toThrow(/^the gates together \(monteCarlo .*, monteCarlo .*\) would need about/);
    try {
      checkPlan(p, { maxMemory: 1 });
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_RESOURCE_LIMIT', exitCode: 2 });
    }
  });
  it('--logits beyond the largest JavaScript string is refused up front', () => {
    expect(() => checkLogitsSize(1_000_000)).not.toThrow();
    expect(() => checkLogitsSize(20_000_000)).toThrow(/--logits for 20000000 combinations would make a JSON report of about/);
  });
});

describe('gates check their plan before allocating', () => {
  const ctx = { executor: new InProcessExecutor(), seed: 1, maxMemory: 64 * 2 ** 20 };
  it('PBO with S = 32 and every combination is refused at once', async () => {
    const returns = makeReturnsMatrix(new Float64Array(64 * 3).map((_, i) => Math.sin(i)), { T: 64, N: 3 });
    const t0 = Date.now();
    await expect(pboGate(returns, pboOptionsSchema.parse({ S: 32, maxCombinations: 1e9 }), ctx)).rejects.toMatchObject({ code: 'E_RESOURCE_LIMIT', exitCode: 2 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
  it('Monte Carlo with 100 M paths under a 64 MiB budget is refused', async () => {
    const opts = { ...monteCarloOptionsSchema.parse({ paths: 100_000_000, method: 'iid' }), strict: false };
    await expect(monteCarloGate(makeTrades([0.01, -0.01, 0.02]), opts, ctx, { initialEquity: null })).rejects.toThrow(/monteCarlo: 100000000 paths x horizon 3 would need about 5.96 GiB/);
  });
});
