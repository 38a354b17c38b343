/**
 * The gate registry: every gate is one definition (name, text label, options schema with
 * defaults, details schema, run, summary line), and everything that lists gates iterates a
 * registry: the policy schema, validate, the report schema, the text summary, the batch
 * journal and the champion comparison. Adding a gate is one folder and one line in
 * DEFAULT_GATES; a registry built in a test (gateRegistry([...DEFAULT_GATES.gates, extra]))
 * flows end to end without editing any other file.
 *
 * Decision gates (`advisory: false`) are skipped when the policy disables them. Advisory gates
 * (the deflated-Sharpe family) are always computed; they gate the decision only when the
 * policy sets `"enabled": true`, otherwise they are reported and printed as [INFO] lines.
 */
import type { z } from 'zod';
import type { ReturnsMatrix, Trades } from '../io/types.js';
import type { GateContext } from './context.js';
import type { ResourcePlan } from '../engine/budget.js';
import type { Comparison, GateResult } from './types.js';

/** What a gate may read: the loaded candidate's data (from files or from memory). */
export interface GateInput {
  returns: ReturnsMatrix;
  trades: Trades;
  /** Index of the candidate's own configuration among the returns columns. */
  selectedIndex: number;
  periodsPerYear: number;
  initialEquity: number | null;
}

/** Where and how a gate runs: the executor and run seed, plus the policy-wide switches. */
export interface GateRunContext extends GateContext {
  strict: boolean;
}

/** The options every gate block has. */
export interface BaseGateOptions {
  enabled: boolean;
  threshold: number;
}

export interface GateDefinition<O extends BaseGateOptions = BaseGateOptions, D = unknown> {
  /** Key in the policy (`gates.<name>`), the report and the journal. */
  name: string;
  /** Label in the text summary (`[PASS] <label>: ...`). */
  label: string;
  /** How the value is compared with the threshold ('>' higher is better). */
  comparison: Comparison;
  /** Computed and reported even when not enabled; gates the decision only when enabled. */
  advisory: boolean;
  /** The policy block, with every default (parse({}) gives the defaults). */
  optionsSchema: z.ZodType<O, unknown>;
  /** The result's `details` when the gate ran. */
  detailsSchema: z.ZodType<D>;
  run(input: GateInput, options: O, ctx: GateRunContext): Promise<GateResult<D>>;
  /**
   * What the gate will hold in memory and compute, from its plan alone (null when it is small
   * or its plan cannot be formed, which run() then reports): validate checks the sum over the
   * gates that run at once against the memory budget before any of them allocates.
   */
  resourcePlan?(input: GateInput, options: O, ctx: GateRunContext): ResourcePlan | null;
  /** The indented line of key details under the gate's line in the text summary ('' for none). */
  summary(result: GateResult<D>): string;
}

// A registry holds definitions of different option and details types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGateDefinition = GateDefinition<any, any>;

export interface GateRegistry {
  /** Definitions in report and text order. */
  readonly gates: readonly AnyGateDefinition[];
  get(name: string): AnyGateDefinition | undefined;
}

/** A registry over `gates` (names unique, in the order given). O(gates). */
export function gateRegistry(gates: readonly AnyGateDefinition[]): GateRegistry {
  const byName = new Map<string, AnyGateDefinition>();
  for (const g of gates) {
    if (byName.has(g.name)) throw new Error(`gate registry: duplicate gate name '${g.name}'`);
    byName.set(g.name, g);
  }
  return { gates: [...gates], get: (name) => byName.get(name) };
}

/** The result of a decision gate the policy disabled: not computed, passes, says so. */
export function disabledResult(def: AnyGateDefinition, options: BaseGateOptions): GateResult<Record<string, never>> {
  return {
    gate: def.name, enabled: false, advisory: false, value: null, gatedValue: null, gatedOn: 'point', threshold: options.threshold,
    comparison: def.comparison, pass: true, reason: 'DISABLED', details: {}, warnings: [],
  };
}

/**
 * Runs one gate under its policy block: a disabled decision gate is skipped; an advisory gate
 * that is not enabled is computed and marked advisory (it never fails the decision).
 */
export async function runGate(def: AnyGateDefinition, input: GateInput, options: BaseGateOptions, ctx: GateRunContext): Promise<GateResult> {
  if (!options.enabled && !def.advisory) return disabledResult(def, options);
  return asReported(def, await def.run(input, options, ctx), options.enabled);
}

/** A gate's own result as the report holds it: its name, whether the policy enabled it, and whether it is advisory. */
export function asReported(def: AnyGateDefinition, r: GateResult, enabled: boolean): GateResult {
  if (r.reason === 'DISABLED') return { ...r, advisory: false };
  return { ...r, gate: def.name, enabled, advisory: !enabled };
}
