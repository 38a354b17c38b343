/**
 * `--against <manifest.json>`: the current production model (the champion) as a manifest
 * holding its id, model SHA-256 and its last validate report (any supported report version:
 * src/report/schema.ts, storedReport). Each gate of the registry gets a champion-vs-candidate
 * column; "better" follows the gate's comparison direction.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import { FILE_LIMITS } from '../config/limits.js';
import { readJsonFile } from '../io/policy.js';
import { zodOneLine } from '../io/zod_message.js';
import { DEFAULT_GATES } from '../gates/index.js';
import type { GateRegistry } from '../gates/registry.js';
import { storedReport, type ChampionComparison, type Report, type StoredReport } from '../report/schema.js';

/** The champion manifest file (docs/formats.md, "Champion manifest"); `report` is checked by its own version. */
export const championSchema = z.strictObject({
  id: z.string().min(1),
  modelSha256: z.string().regex(/^[0-9a-fA-F]{64}$/).nullable().optional(),
  report: z.record(z.string(), z.unknown()),
});

export interface ChampionManifest {
  id: string;
  modelSha256: string | null;
  report: StoredReport;
}

export function loadChampion(file: string, registry: GateRegistry = DEFAULT_GATES): ChampionManifest {
  const parsed = championSchema.safeParse(readJsonFile(file, FILE_LIMITS.champion));
  if (!parsed.success) throw inputError('E_SCHEMA', { file }, `invalid champion manifest: ${zodOneLine(parsed.error)}`);
  return { id: parsed.data.id, modelSha256: parsed.data.modelSha256 ?? null, report: storedReport(parsed.data.report, file, registry) };
}

export function compareWithChampion(champion: ChampionManifest, candidate: Report, registry: GateRegistry = DEFAULT_GATES): ChampionComparison {
  const gates: ChampionComparison['gates'] = {};
  for (const def of registry.gates) {
    const a = champion.report.gates[def.name]?.value ?? null;
    const b = candidate.gates[def.name].value;
    let better: 'candidate' | 'champion' | 'equal' | 'n/a' = 'n/a';
    if (a !== null && b !== null) better = a === b ? 'equal' : (b > a) === (def.comparison === '>') ? 'candidate' : 'champion';
    gates[def.name] = { champion: a, candidate: b, better };
  }
  return {
    champion: { id: champion.id, modelSha256: champion.modelSha256, decision: champion.report.decision },
    gates,
  };
}
