/**
 * The shape every gate returns (docs/formats.md, "Report"). Kept JSON-plain so the report is a
 * deterministic JSON.stringify of it. Which gates exist, in which order, is the registry's
 * (src/gates/index.ts).
 */
/** A gate's key in the policy, the report and the journal (the registry's names). */
export type GateName = string;

export type Comparison = '>' | '<';

export interface GateResult<D = Record<string, unknown>> {
  gate: GateName;
  /** Whether the policy enabled this gate. A disabled decision gate has pass = true and value = null. */
  enabled: boolean;
  /**
   * An advisory gate the policy did not enable: computed and reported, never part of the
   * decision (set by the registry's runGate for every gate it runs).
   */
  advisory?: boolean;
  /** The point estimate (null only when the gate is disabled or has no meaningful value, with `reason`). */
  value: number | null;
  /** The number compared against the threshold: the point estimate, or a one-sided bound in strict mode. */
  gatedValue: number | null;
  /** Which statistic gatedValue is: 'point', 'wilson95Lower', 'clopperPearson95Upper'. */
  gatedOn: string;
  threshold: number;
  comparison: Comparison;
  pass: boolean;
  /** Machine-readable reason for a failure that is not a plain threshold miss (e.g. IS_NONPOSITIVE). */
  reason: string | null;
  details: D;
  warnings: string[];
}

export function compare(value: number, comparison: Comparison, threshold: number): boolean {
  return comparison === '>' ? value > threshold : value < threshold;
}

/**
 * A gate function's result seen as what it ran: its own details type. The registry calls a
 * decision gate only when the policy enables it, so the function's disabled-result branch
 * (kept for direct callers) never reaches a definition's run().
 */
export function ranWith<D>(r: GateResult): GateResult<D> {
  return r as unknown as GateResult<D>;
}
