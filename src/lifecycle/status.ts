/**
 * Read-only views of a registry (docs/lifecycle.md): `registry status` (the stages, the
 * models, the latest monitor results) and `audit verify` (the whole chain, head, stage
 * pointers, every manifest and every bundle file against the log). Neither takes the lock nor
 * changes a byte: a committed event whose effects are still pending (an interrupted command)
 * is shown as such, and counts as consistent.
 */
import { join } from 'node:path';
import { GauntletError } from '../errors.js';
import { storedReport } from '../report/schema.js';
import { latestMonitor } from './promote.js';
import { readManifest, readRegistry, REGISTRY_FILES, STAGES, type ModelRef, type Stage } from './registry.js';

export interface StatusRow {
  stage: Stage | 'history';
  model: ModelRef & { until?: string };
  createdAt: string;
  decision: string;
  monitor: { status: string; trades: number; line: number; at: string } | null;
}

export interface RegistryStatus {
  format: 'gauntlet-registry-status';
  formatVersion: 1;
  registry: string;
  seed: number;
  policySha256: string;
  engineVersion: string;
  events: number;
  head: string;
  models: { key: string; modelSha256: string; line: number }[];
  rows: StatusRow[];
  notes: string[];
}

export function registryStatus(dir: string): RegistryStatus {
  const state = readRegistry(dir);
  const rows: StatusRow[] = [];
  const row = (stage: StatusRow['stage'], m: StatusRow['model']) => {
    const key = `${m.id}@${m.version}`;
    const { manifest, folder } = readManifest(state, key, false);
    const report = storedReport(manifest.report, join(dir, folder, 'manifest.json'));
    const mon = stage === 'history' ? null : latestMonitor(state, stage, m.id, m.version);
    rows.push({ stage, model: m, createdAt: manifest.createdAt, decision: report.decision, monitor: mon });
  };
  for (const s of STAGES) {
    const m = state.stages[s];
    if (m) row(s, m);
  }
  for (const h of [...state.stages.history].reverse()) row('history', h);
  const last = state.lines[state.lines.length - 1];
  return {
    format: 'gauntlet-registry-status', formatVersion: 1, registry: dir, seed: state.meta.seed, policySha256: state.policy.sha256, engineVersion: state.meta.engineVersion,
    events: state.lines.length, head: last.hash,
    models: [...state.models.values()].map((r) => ({ key: `${r.id}@${r.version}`, modelSha256: r.modelSha256, line: r.line })),
    rows, notes: state.notes,
  };
}

export function statusText(s: RegistryStatus): string[] {
  const out = [`Registry ${s.registry}: seed ${s.seed}, policy ${s.policySha256.slice(0, 12)}, ${s.events} audit event${s.events === 1 ? '' : 's'}, head ${s.head.slice(0, 12)}`];
  const table: string[][] = [['stage', 'model', 'hash', 'decision', 'created', 'since', 'latest monitor']];
  const cells = (r: StatusRow): string[] => {
    const mon = r.monitor ? `${r.monitor.status} over ${r.monitor.trades} trades (line ${r.monitor.line})` : '-';
    return [r.stage, `${r.model.id}@${r.model.version}`, r.model.modelSha256.slice(0, 12), r.decision, r.createdAt.slice(0, 10), r.model.since + (r.model.until ? ` until ${r.model.until}` : ''), r.stage === 'history' ? '' : mon];
  };
  for (const st of STAGES) {
    const r = s.rows.find((x) => x.stage === st);
    table.push(r ? cells(r) : [st, '-', '', '', '', '', '']);
  }
  for (const r of s.rows) if (r.stage === 'history') table.push(cells(r));
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) out.push(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  out.push(`models registered: ${s.models.length ? s.models.map((m) => m.key).join(', ') : 'none'}`);
  for (const n of s.notes) out.push(`note: ${n}`);
  return out;
}

export interface VerifyResult {
  ok: boolean;
  /** OK: what was checked; FAILED: the first bad line or file. */
  message: string;
  notes: string[];
}

/**
 * Verify everything: the chain line by line, head.json, registry.json and policy.json, the
 * stage pointers, every manifest and every bundle file. Tampering is a result (ok: false, the
 * first problem named); a registry that is missing or unreadable is an error (exit 2).
 */
export function verifyRegistry(dir: string): VerifyResult {
  try {
    const state = readRegistry(dir, { hashBundles: 'all' });
    const last = state.lines[state.lines.length - 1];
    const files = [...state.models.values()].length;
    return {
      ok: true,
      message: `${state.lines.length} events, chain intact, head ${last.hash.slice(0, 12)}, ${REGISTRY_FILES.stages} and ${files} model manifest${files === 1 ? '' : 's'} with their bundle files match the log`,
      notes: state.notes,
    };
  } catch (err) {
    if (err instanceof GauntletError && err.code === 'E_AUDIT_TAMPERED') return { ok: false, message: err.message, notes: [] };
    throw err;
  }
}
