/**
 * The candidate bundle (SPEC 1.1): candidate.json + returns.csv + trades.csv [+ model
 * artifact]. Loads and validates everything once, into shared buffers, and records each
 * input's path, SHA-256 and shape for the report's provenance.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { inputError } from '../errors.js';
import { readInputFile } from './csv.js';
import { sha256Hex } from './hash.js';
import { parseJsonFile } from './policy.js';
import { parseReturnsCsv } from './returns_csv.js';
import { parseTradesCsv } from './trades_csv.js';
import type { ReturnsMatrix, Trades } from './types.js';
import { zodOneLine } from './zod_message.js';

export const candidateSchema = z
  .strictObject({
    id: z.string().min(1).max(200),
    createdAt: z.iso.datetime({ offset: true }),
    returns: z.string().min(1),
    trades: z.string().min(1),
    selected: z.string().min(1),
    periodsPerYear: z.number().positive().max(1_000_000),
    tradeUnit: z.enum(['return', 'pnl']),
    initialEquity: z.number().positive().optional(),
    model: z
      .strictObject({
        artifact: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
      })
      .optional(),
  })
  .refine((c) => c.tradeUnit !== 'pnl' || c.initialEquity !== undefined, {
    message: "tradeUnit 'pnl' needs initialEquity (pnl trades add to it)",
    path: ['initialEquity'],
  });

export type CandidateManifest = z.infer<typeof candidateSchema>;

export interface InputRecord {
  role: 'candidate' | 'returns' | 'trades' | 'model';
  path: string;
  sha256: string;
  bytes: number;
  rows?: number;
  columns?: number;
  /** Model artifact only: whether the file was present and its hash checked. */
  verified?: boolean;
}

export interface Candidate {
  dir: string;
  manifest: CandidateManifest;
  returns: ReturnsMatrix;
  trades: Trades;
  /** Index of `selected` among the returns columns. */
  selectedIndex: number;
  inputs: InputRecord[];
  warnings: string[];
}

/** Resolve a manifest path, refusing anything that leaves the bundle directory. */
function insideBundle(dir: string, manifestFile: string, key: string, rel: string): string {
  const problem = `"${key}": "${rel}" is outside the bundle directory (paths must stay inside ${dir})`;
  if (isAbsolute(rel)) throw inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, problem);
  const abs = resolve(dir, rel);
  const back = relative(resolve(dir), abs);
  if (back === '' || back === '..' || back.startsWith('..' + sep) || isAbsolute(back)) {
    throw inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, problem);
  }
  // A symbolic link inside the bundle must not lead outside it either.
  if (existsSync(abs)) {
    const real = relative(realpathSync(dir), realpathSync(abs));
    if (real.startsWith('..' + sep) || real === '..' || isAbsolute(real)) {
      throw inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, `"${key}": "${rel}" links outside the bundle directory`);
    }
  }
  return join(dir, rel);
}

export function loadCandidate(dir: string): Candidate {
  if (!existsSync(dir)) throw inputError('E_FILE_MISSING', { file: dir }, 'bundle directory not found');
  if (!statSync(dir).isDirectory()) throw inputError('E_FILE_READ', { file: dir }, 'is not a directory (a candidate bundle is a directory holding candidate.json)');
  const manifestFile = join(dir, 'candidate.json');
  const manifestBytes = readInputFile(manifestFile);
  const parsed = candidateSchema.safeParse(parseJsonFile(manifestFile, manifestBytes));
  if (!parsed.success) throw inputError('E_SCHEMA', { file: manifestFile }, `invalid candidate manifest: ${zodOneLine(parsed.error)}`);
  const manifest = parsed.data;
  const warnings: string[] = [];

  const returnsFile = insideBundle(dir, manifestFile, 'returns', manifest.returns);
  const tradesFile = insideBundle(dir, manifestFile, 'trades', manifest.trades);
  const returnsBytes = readInputFile(returnsFile);
  const returns = parseReturnsCsv(returnsFile, returnsBytes, { minColumns: 2 });
  const selectedIndex = returns.columns.indexOf(manifest.selected);
  if (selectedIndex < 0) {
    const shown = returns.columns.slice(0, 8).join(', ') + (returns.columns.length > 8 ? `, ... (${returns.columns.length} columns)` : '');
    throw inputError('E_SELECTED_MISSING', { file: manifestFile }, `"selected": "${manifest.selected}" is not a column of ${returnsFile} (columns: ${shown})`);
  }
  const tradesLoaded = parseTradesCsv(tradesFile, readInputFile(tradesFile), manifest.tradeUnit);
  // The few-trades warning is the win-rate gate's to give (it owns the trade count statistic).

  const inputs: InputRecord[] = [
    { role: 'candidate', path: manifestFile, sha256: sha256Hex(manifestBytes), bytes: manifestBytes.length },
    { role: 'returns', path: returnsFile, sha256: sha256Hex(returnsBytes), bytes: returnsBytes.length, rows: returns.T, columns: returns.N },
    { role: 'trades', path: tradesFile, sha256: sha256Hex(tradesLoaded.bytes), bytes: tradesLoaded.bytes.length, rows: tradesLoaded.trades.n },
  ];

  if (manifest.model) {
    const modelFile = insideBundle(dir, manifestFile, 'model.artifact', manifest.model.artifact);
    const expected = manifest.model.sha256.toLowerCase();
    if (existsSync(modelFile)) {
      const bytes = readInputFile(modelFile);
      const actual = sha256Hex(bytes);
      if (actual !== expected) {
        throw inputError('E_HASH_MISMATCH', { file: modelFile }, `SHA-256 is ${actual} but candidate.json says ${expected}: the artifact is not the model that was validated`);
      }
      inputs.push({ role: 'model', path: modelFile, sha256: actual, bytes: bytes.length, verified: true });
    } else {
      warnings.push(`${modelFile}: model artifact not in the bundle; its SHA-256 (${expected}) was not verified`);
      inputs.push({ role: 'model', path: modelFile, sha256: expected, bytes: 0, verified: false });
    }
  }
  return { dir, manifest, returns, trades: tradesLoaded.trades, selectedIndex, inputs, warnings };
}
