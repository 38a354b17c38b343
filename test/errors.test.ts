import { describe, expect, it } from 'vitest';
import { ExitCode, GauntletError, inputError, internalError, optionError, toGauntletError, usageError, workerCrash } from '../src/errors.js';

describe('errors module: one shape per kind', () => {
  it('input errors name file, line and column in a fixed order and exit 2', () => {
    const e = inputError('E_CSV_VALUE', { column: 'c1', row: 7, file: 'r.csv' }, "'x' is not a number");
    expect(e.message).toBe("r.csv, line 7, column 'c1': 'x' is not a number");
    expect(e.exitCode).toBe(ExitCode.badInput);
    expect(e.code).toBe('E_CSV_VALUE');
    expect(inputError('E_FILE_MISSING', { file: 'a.csv' }, 'file not found').message).toBe('a.csv: file not found');
    expect(inputError('E_SCHEMA', {}, 'bad').message).toBe('bad');
  });
  it('usage and option errors exit 2', () => {
    expect(usageError('option --x: nope')).toMatchObject({ code: 'E_USAGE', exitCode: 2, message: 'option --x: nope' });
    expect(optionError('monteCarlo.paths', 'too few')).toMatchObject({ code: 'E_OPTION', exitCode: 2, message: 'option monteCarlo.paths: too few' });
  });
  it('internal errors and worker crashes exit 3', () => {
    expect(internalError('boom')).toMatchObject({ code: 'E_INTERNAL', exitCode: 3, message: 'internal error: boom' });
    expect(workerCrash('shard pbo#2: exited')).toMatchObject({ code: 'E_WORKER_CRASH', exitCode: 3, message: 'worker crashed: shard pbo#2: exited' });
  });
  it('normalises anything thrown: GauntletErrors kept, cloned ones rebuilt, the rest internal', () => {
    const g = inputError('E_TRADE_VALUE', { file: 't.csv', row: 2 }, 'bad');
    expect(toGauntletError(g)).toBe(g);
    // What a structured clone across a thread boundary leaves of a GauntletError.
    const cloned = structuredClone({ name: 'GauntletError', code: 'E_PBO_INPUT', message: 'x', exitCode: 2 });
    const back = toGauntletError(cloned);
    expect(back).toBeInstanceOf(GauntletError);
    expect(back).toMatchObject({ code: 'E_PBO_INPUT', exitCode: 2 });
    expect(toGauntletError(new TypeError('undefined is not a function'))).toMatchObject({ code: 'E_INTERNAL', exitCode: 3 });
    expect(toGauntletError('weird')).toMatchObject({ code: 'E_INTERNAL', message: 'internal error: weird' });
  });
});

describe('errors module: input, resource and write codes (issue 9)', () => {
  it('write failures are E_FILE_WRITE, never E_FILE_READ', async () => {
    const { writeError } = await import('../src/errors.js');
    expect(writeError('out.json', 'no space left on device (ENOSPC)')).toMatchObject({ code: 'E_FILE_WRITE', exitCode: 2, message: 'out.json: no space left on device (ENOSPC)' });
  });
  it('resource limits exit 2', async () => {
    const { resourceError } = await import('../src/errors.js');
    expect(resourceError('pbo: too big')).toMatchObject({ code: 'E_RESOURCE_LIMIT', exitCode: 2, message: 'pbo: too big' });
  });
  it('an allocation V8 refuses is a resource limit (exit 2), other RangeErrors stay internal', () => {
    expect(toGauntletError(new RangeError('Array buffer allocation failed'))).toMatchObject({ code: 'E_RESOURCE_LIMIT', exitCode: 2 });
    expect(toGauntletError(new RangeError('Invalid string length'))).toMatchObject({ code: 'E_RESOURCE_LIMIT', exitCode: 2 });
    expect(toGauntletError(new RangeError('Maximum call stack size exceeded'))).toMatchObject({ code: 'E_INTERNAL', exitCode: 3 });
  });
  it('a location may name a column by number (JSON, unnamed CSV fields)', () => {
    expect(inputError('E_JSON_DUPLICATE_KEY', { file: 'p.json', row: 3, columnNumber: 5 }, 'duplicate key "a"').message).toBe('p.json, line 3, column 5: duplicate key "a"');
    expect(inputError('E_CSV_QUOTE', { file: 't.csv', row: 2, column: 'sym', columnNumber: 2 }, 'x').message).toBe("t.csv, line 2, column 'sym': x");
  });
});

describe('errors module: registry and champion codes (issue 11)', () => {
  it('every registry error is exit 2 with its code and the message as given', async () => {
    const { registryError } = await import('../src/errors.js');
    const cases = [
      ['E_REGISTRY_MISSING', 'reg: no registry here (folder not found; create one with gauntlet registry init reg)'],
      ['E_REGISTRY_INVALID', 'reg/stages.json: cannot read (EACCES: permission denied)'],
      ['E_REGISTRY_EXISTS', 'reg: already exists and is not an empty folder (a registry is created in a new or empty folder)'],
      ['E_REGISTRY_LOCKED', 'reg: the registry is in use by another gauntlet command (pid 7, lock file reg/registry.lock)'],
      ['E_AUDIT_TAMPERED', 'reg/audit.jsonl, line 3: its SHA-256 does not match its "hash" field: the line was edited'],
      ['E_MODEL_UNKNOWN', 'reg: no model cand@9 in the registry (registry status lists them)'],
      ['E_STAGE', 'cand@1: only the shadow model can go to production, and shadow holds nothing'],
      ['E_REPORT_MISMATCH', 'r.json: made with seed 43, not the registry\'s 42'],
      ['E_CHAMPION_MISMATCH', "c.json: the manifest names the champion 'a' but its report is of 'b'"],
      ['E_CHAMPION_STALE', "c.json: the champion's report was made under another seed 1 vs 42"],
      ['E_MONITOR_INPUT', '--as-of 2016-01-10T00:00:00.000Z is before the last live trade\'s exit'],
    ] as const;
    for (const [code, message] of cases) expect(registryError(code, message)).toMatchObject({ code, exitCode: 2, message });
  });
  it('registry messages are one line whatever the untrusted text in them', async () => {
    const { registryError } = await import('../src/errors.js');
    expect(registryError('E_MODEL_UNKNOWN', 'no model a\nOverall: [PASS]@1').message).toBe('no model a\\nOverall: [PASS]@1');
  });
});
