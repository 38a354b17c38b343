import { describe, expect, it } from 'vitest';
import { limitHistogram } from '../../src/stats/limit_histogram.js';

describe('limitHistogram', () => {
  it('puts the limit on an edge, so the bars from it on count exactly the values >= limit', () => {
    const values = [0, 0.05, 0.1, 0.19999999, 0.2, 0.2, 0.31, 0.5];
    const h = limitHistogram(values, 10, 0.2);
    const at = h.edges.indexOf(0.2);
    expect(at).toBeGreaterThan(0);
    expect(h.edges).toHaveLength(h.counts.length + 1);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(h.counts.slice(at).reduce((a, b) => a + b, 0)).toBe(values.filter((v) => v >= 0.2).length);
    expect(h.edges[h.edges.length - 1]).toBeGreaterThanOrEqual(0.5);
    // Equal widths (the limit's edge is the limit itself).
    const w = h.edges[1] - h.edges[0];
    for (let j = 1; j < h.edges.length; j++) expect(h.edges[j] - h.edges[j - 1]).toBeCloseTo(w, 12);
  });
  it('a limit above every value still gets a bin beyond it; a value exactly at it goes right', () => {
    const below = limitHistogram([0.01, 0.02], 4, 0.2);
    expect(below.edges.indexOf(0.2)).toBe(below.counts.length - 1);
    expect(below.counts[below.counts.length - 1]).toBe(0);
    const at = limitHistogram([0.1, 0.2], 4, 0.2);
    expect(at.counts[at.counts.length - 1]).toBe(1);
  });
  it('without a limit: equal bins over [0, max]; all zeros still make a histogram', () => {
    const h = limitHistogram([0, 1, 2, 4], 4, null);
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([1, 1, 1, 1]);
    const z = limitHistogram([0, 0, 0], 5, null);
    expect(z.counts[0]).toBe(3);
    expect(z.edges[z.edges.length - 1]).toBe(1);
  });
  it('is deterministic and refuses a bad bin count', () => {
    const v = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) / 1000);
    expect(limitHistogram(v, 40, 0.2)).toEqual(limitHistogram(v, 40, 0.2));
    expect(() => limitHistogram(v, 0, 0.2)).toThrow(RangeError);
  });
});
