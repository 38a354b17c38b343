/**
 * `--against <manifest.json>`: the current production model (the champion) as a manifest
 * holding its id, model SHA-256 and its last validate report. Each gate gets a
 * champion-vs-candidate column; "better" follows the gate's comparison direction.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import { FILE_LIMITS } from '../config/limits.js';
import { readJsonFile } from '../io/policy.js';
import { zodOneLine } from '../io/zod_message.js';
import { GATE_ORDER } from '../gates/types.js';
import { reportSchema, type Report } from '../report/schema.js';
import type { ChampionComparison } from '../report/text.js';

export const championSchema = z.strictObject({
  id: z.string().min(1),
  modelSha256: z.string().regex(/^[0-9a-fA-F]{64}$/).nullable().optional(),
  report: reportSchema,
});
export type ChampionManifest = z.infer<typeof championSchema>;

export function loadChampion(file: string): ChampionManifest {
  const parsed = championSchema.safeParse(readJsonFile(file, FILE_LIMITS.champion));
  if (!parsed.success) throw inputError('E_SCHEMA', { file }, `invalid champion manifest: ${zodOneLine(parsed.error)}`);
  return parsed.data;
}

export function compareWithChampion(champion: ChampionManifest, candidate: Report): ChampionComparison {
  const gates: ChampionComparison['gates'] = {};
  for (const k of GATE_ORDER) {
    const a = champion.report.gates[k].value;
    const b = candidate.gates[k].value;
    let better: 'candidate' | 'champion' | 'equal' | 'n/a' = 'n/a';
    if (a !== null && b !== null) {
      const higherIsBetter = candidate.gates[k].comparison === '>';
      better = a === b ? 'equal' : (b > a) === higherIsBetter ? 'candidate' : 'champion';
    }
    gates[k] = { champion: a, candidate: b, better };
  }
  return {
    champion: { id: champion.id, modelSha256: champion.modelSha256 ?? null, decision: champion.report.decision },
    gates,
  };
}
