import { describe, expect, it } from 'vitest';
import { cusumNullMaxima } from '../../src/stats/cusum_null_maxima.js';
import { lowerCusum } from '../../src/stats/lower_cusum.js';
import { tycheiNext, tycheiState, uniformIndex } from '../../src/rng/tychei.js';

describe('cusumNullMaxima', () => {
  const pool = Float64Array.from([-1.5, -0.5, 0, 0.4, 0.6, 1.0]);

  it('each path is lowerCusum of the drawn values (same draws, replayed from the same state)', () => {
    const out = cusumNullMaxima(pool, 25, 0.5, 40, tycheiState('t'));
    const rng = tycheiState('t');
    for (let p = 0; p < 40; p++) {
      const drawn = Array.from({ length: 25 }, () => pool[uniformIndex(tycheiNext(rng), pool.length)]);
      expect(out[p]).toBe(lowerCusum(drawn, 0, 1, 0.5).max);
    }
  });

  it('is deterministic for a starting state and different for another', () => {
    const a = cusumNullMaxima(pool, 30, 0.5, 200, tycheiState('seed-a'));
    const b = cusumNullMaxima(pool, 30, 0.5, 200, tycheiState('seed-a'));
    const c = cusumNullMaxima(pool, 30, 0.5, 200, tycheiState('seed-b'));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('with a zero-mean, unit-variance pool, the maximum grows with the horizon and shrinks with k', () => {
    const z = Float64Array.from([-1, 1]);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const short = mean(cusumNullMaxima(z, 10, 0.5, 4000, tycheiState('h')));
    const long = mean(cusumNullMaxima(z, 200, 0.5, 4000, tycheiState('h')));
    const bigK = mean(cusumNullMaxima(z, 200, 1, 4000, tycheiState('h')));
    expect(long).toBeGreaterThan(short);
    expect(bigK).toBeLessThan(long);
    // k >= the largest possible step (-z - k <= 0 always): the sum never leaves 0.
    expect(Math.max(...cusumNullMaxima(z, 50, 1, 100, tycheiState('h')))).toBe(0);
  });

  it('refuses an empty pool and bad sizes', () => {
    expect(() => cusumNullMaxima(new Float64Array(0), 5, 0.5, 5, tycheiState('x'))).toThrow(/no values/);
    expect(() => cusumNullMaxima(pool, 0, 0.5, 5, tycheiState('x'))).toThrow(/horizon/);
  });
});
