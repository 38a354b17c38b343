/**
 * What a champion report must be before a candidate is compared with it (docs/lifecycle.md,
 * "Champion checks"), for `validate --against` and for promotions in a registry:
 * - its manifest's id and model hash must be those of its report (a report filed under another
 *   model's name is refused, E_CHAMPION_MISMATCH);
 * - it must have been made under the same policy hash, seed and engine version as the
 *   candidate's run, else the two columns answer different questions (E_CHAMPION_STALE), unless
 *   the champion's bundle is re-validated now under the run's policy and seed, which must
 *   reproduce the report's input hashes (the same files).
 */
import { registryError } from '../errors.js';
import { loadCandidate } from '../io/candidate.js';
import { storedReport, reportJson, type Report, type StoredReport } from '../report/schema.js';
import { ENGINE_VERSION } from '../version.js';
import type { ChampionManifest } from './champion.js';
import { validateCandidate, type ValidateOptions } from './validate.js';

/** The manifest's id and model hash against its own report. Throws E_CHAMPION_MISMATCH. */
export function checkChampionIdentity(champion: ChampionManifest, source: string): void {
  const r = champion.report;
  if (r.candidateId !== champion.id) {
    throw registryError('E_CHAMPION_MISMATCH', `${source}: the manifest names the champion '${champion.id}' but its report is of '${r.candidateId}' (a report filed under another model's id)`);
  }
  const model = r.inputs.find((i) => i.role === 'model')?.sha256 ?? null;
  const claimed = champion.modelSha256?.toLowerCase() ?? null;
  if (claimed !== model) {
    const said = (x: string | null) => (x === null ? 'no model artifact' : `model SHA-256 ${x.slice(0, 12)}...`);
    throw registryError('E_CHAMPION_MISMATCH', `${source}: the manifest gives ${said(claimed)} but its report validated ${said(model)}`);
  }
}

export interface RunIdentity {
  policySha256: string;
  seed: number;
  engineVersion: string;
}

/** What differs between the champion's report and this run (policy hash, seed, engine version); [] when nothing. */
export function championDifferences(r: StoredReport, run: RunIdentity): string[] {
  const out: string[] = [];
  if (r.policySha256 !== run.policySha256) out.push(`policy ${r.policySha256.slice(0, 12)}... vs ${run.policySha256.slice(0, 12)}...`);
  if (r.seed !== run.seed) out.push(`seed ${r.seed} vs ${run.seed}`);
  if (r.engineVersion !== run.engineVersion) out.push(`engine ${r.engineVersion} vs ${run.engineVersion}`);
  return out;
}

/**
 * Re-run the champion's bundle (`bundleDir`: the one its report names, or a registry's copy)
 * under this run's policy and seed. The files must be those the report was made from (every
 * input role's SHA-256), else E_CHAMPION_MISMATCH. Returns the manifest with the fresh report.
 */
export async function revalidateChampion(champion: ChampionManifest, bundleDir: string, source: string, opts: ValidateOptions): Promise<{ champion: ChampionManifest; report: Report }> {
  const c = loadCandidate(bundleDir, { maxMemory: opts.maxMemory });
  for (const old of champion.report.inputs) {
    const now = c.inputs.find((i) => i.role === old.role);
    if (!now || now.sha256 !== old.sha256) {
      throw registryError('E_CHAMPION_MISMATCH', `${source}: the champion's bundle ${bundleDir} no longer holds the files its report was made from (${old.role}: ${old.sha256.slice(0, 12)}... in the report, ${now ? now.sha256.slice(0, 12) + '...' : 'missing'} now)`);
    }
  }
  const report = await validateCandidate(c, { ...opts, champion: undefined });
  const fresh = storedReport(JSON.parse(reportJson(report, opts.registry)), source, opts.registry);
  return { champion: { ...champion, report: fresh }, report };
}

/**
 * `validate --against`'s checks: identity always; a report under another policy, seed or
 * engine is refused (E_CHAMPION_STALE) unless `revalidate`, which re-runs the bundle its report
 * names. Returns the champion to compare with and a note when it was re-validated.
 */
export async function championForRun(champion: ChampionManifest, source: string, run: RunIdentity, revalidate: boolean, opts: ValidateOptions): Promise<{ champion: ChampionManifest; note: string | null }> {
  checkChampionIdentity(champion, source);
  const diff = championDifferences(champion.report, run);
  if (diff.length === 0) return { champion, note: null };
  if (!revalidate) {
    throw registryError('E_CHAMPION_STALE', `${source}: the champion's report was made under another ${diff.join(', ')}; its values would not be comparable (re-run its bundle with --revalidate-champion)`);
  }
  const bundle = champion.report.bundle;
  if (bundle === null) throw registryError('E_CHAMPION_STALE', `${source}: the champion's report names no bundle to re-validate (${diff.join(', ')})`);
  const fresh = await revalidateChampion(champion, bundle, source, opts);
  return { champion: fresh.champion, note: `champion '${champion.id}' re-validated from ${bundle} under this run's policy, seed and engine ${ENGINE_VERSION} (its report differed: ${diff.join(', ')})` };
}
