/**
 * CI outputs (docs/ci.md): JUnit XML is well-formed (a strict reader), has the structure CI
 * systems read (jenkins-junit.xsd layout) and counts its failures right; --github prints one
 * workflow command per failed or watched check, escaped by GitHub's rules, checked line by
 * line, and appends a Markdown summary to GITHUB_STEP_SUMMARY; hostile text (markup, control
 * characters, workflow-command syntax) cannot break any of the three formats.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeText } from '../../src/escape.js';
import type { CheckSuite } from '../../src/lifecycle/checks.js';
import { githubCommands, githubData, githubProperty, junitXml, markdownCell, markdownSummary } from '../../src/lifecycle/ci_outputs.js';
import { runCli, tempDir } from '../helpers/bundle.js';
import { checkJunit, parseXml } from '../helpers/xml.js';

const HOSTILE = `a<b>&"c"'d]]>\x1b[8m\u0000e\nf::error::x%0A,g:h\u2028\uffff\ud800`;

const suite: CheckSuite = {
  name: 'gauntlet validate',
  subject: HOSTILE,
  verdict: 'REJECTED',
  ok: false,
  checks: [
    { name: 'win_rate', group: 'gates', status: 'fail', value: 0.375, threshold: '> 0.57', reason: null, detail: `18 wins / 48 trades ${HOSTILE}` },
    { name: HOSTILE, group: 'gates', status: 'pass', value: 1.2, threshold: '> 0.85', reason: null, detail: 'ok' },
    { name: 'pbo', group: 'gates', status: 'skip', value: null, threshold: '< 0.15', reason: 'DISABLED', detail: 'disabled by the policy' },
    { name: 'drawdown', group: 'monitor', status: 'warn', value: 0.2, threshold: '<= 0.3', reason: 'WATCH', detail: `above p95 ${HOSTILE}` },
    { name: 'deflated_sharpe', group: 'gates', status: 'info', value: 0.86, threshold: '> 0.95', reason: null, detail: 'advisory' },
    { name: 'mc', group: 'gates', status: 'fail', value: null, threshold: '< 0.03', reason: 'IS_NONPOSITIVE', detail: 'no value' },
  ],
};

/** Undo GitHub's percent-encoding (the runner's own decoding). */
const unpercent = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

describe('JUnit XML', () => {
  it('parses strictly, has the CI structure, counts failures and skips, and carries value, threshold and reason', () => {
    const xml = junitXml(suite);
    const root = parseXml(xml);
    expect(checkJunit(root)).toEqual({ tests: 6, failures: 2, skipped: 1 });
    const cases = root.children[0].children.filter((c) => c.name === 'testcase');
    const failure = cases[0].children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs.message).toBe('win_rate: value 0.375, threshold > 0.57');
    expect(failure.text).toContain('value: 0.375\nthreshold: > 0.57\nreason: none\n18 wins / 48 trades');
    expect(cases[5].children[0].attrs).toEqual({ message: 'mc: value n/a, threshold < 0.03, reason IS_NONPOSITIVE', type: 'IS_NONPOSITIVE' });
    // Hostile text comes back as its visible escape, never as markup or a control character.
    expect(cases[1].attrs.name).toBe(escapeText(HOSTILE).replace('\uffff', '\\uffff').replace('\ud800', '\\ud800'));
    expect(root.children[0].attrs.name).toContain('a<b>&"c"\'d]]>\\x1b[8m\\x00e\\nf::error::x%0A,g:h\\u2028\\uffff\\ud800');
    expect(cases[3].children[0]).toMatchObject({ name: 'system-out' });
    expect(cases[3].children[0].text).toMatch(/^WATCH: above p95/);
  });

  it('the strict reader rejects what is not well-formed (so the test above can fail)', () => {
    expect(() => parseXml('<a b="1" b="2"/>')).toThrow(/duplicate attribute/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/bare '&'/);
    expect(() => parseXml('<a><b></a>')).toThrow(/expected <\/b>/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/forbidden character/);
    expect(() => checkJunit(parseXml('<testsuites><testsuite name="s" tests="2"><testcase name="x"/></testsuite></testsuites>'))).toThrow(/tests=2 but 1 testcases/);
    expect(() => checkJunit(parseXml('<testsuites><testsuite name="s" tests="1" failures="0"><testcase name="x"><failure/></testcase></testsuite></testsuites>'))).toThrow(/failures=0 but 1/);
  });
});

describe('GitHub workflow commands', () => {
  it('one ::error per failed check, ::warning per watched check, then the verdict; escaped by the toolkit rules, line by line', () => {
    const lines = githubCommands(suite);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['::error', '::warning', '::error', '::error']);
    for (const line of lines) {
      const m = /^::(error|warning|notice) title=([^:]*)::(.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, , title, data] = m!;
      // Properties: no raw ':' ',' CR LF; data: no raw CR LF; '%' only as an escape.
      expect(title).not.toMatch(/[:,\r\n]/);
      expect(data).not.toMatch(/[\r\n]/);
      for (const part of [title, data]) expect(part.replace(/%(25|0D|0A|3A|2C)/g, '')).not.toContain('%');
      // Nothing printable can start a second command on this line or any other.
      expect(unpercent(data)).not.toMatch(/[\r\n]/);
    }
    expect(unpercent(/title=([^:]*)::/.exec(lines[0])![1])).toBe('gauntlet validate: win_rate');
    expect(unpercent(lines[0].split('::').slice(2).join('::'))).toBe(escapeText(`18 wins / 48 trades ${HOSTILE} (value 0.375, threshold > 0.57)`));
    expect(lines[3]).toBe(`::error title=${githubProperty('gauntlet validate: REJECTED')}::${githubData(escapeText(`${HOSTILE}: REJECTED`))}`);
  });

  it('escaping functions: data encodes %, CR, LF; properties also : and ,', () => {
    expect(githubData('50%\r\nx:y,z')).toBe('50%25%0D%0Ax:y,z');
    expect(githubProperty('50%\r\nx:y,z')).toBe('50%25%0D%0Ax%3Ay%2Cz');
  });
});

describe('Markdown', () => {
  it('a table row per check; cells hold no line break, pipe, markup or HTML from the input', () => {
    const md = markdownSummary(suite);
    const rows = md.trim().split('\n');
    expect(rows[0]).toMatch(/^### gauntlet validate: .*: \*\*REJECTED\*\*$/);
    expect(rows.slice(2)).toHaveLength(2 + suite.checks.length);
    for (const r of rows.slice(4)) expect(r.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    expect(markdownCell('a|b<i>*c*`d`[e](f)')).toBe('a\\|b&lt;i&gt;\\*c\\*\\`d\\`\\[e\\](f)');
    expect(md).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  });
});

describe('through the CLI: validate --junit --github --markdown', () => {
  let root = '';
  beforeAll(() => {
    root = tempDir('gauntlet-ci-');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the frozen model: 8 testcases, 4 failures; four ::error lines and the verdict; the step summary appended each run', () => {
    const junit = join(root, 'junit.xml');
    const md = join(root, 'summary.md');
    const step = join(root, 'step-summary.md');
    const args = ['validate', 'fixtures/frozen-model', '--workers', '0', '--junit', junit, '--github', '--markdown', md];
    const r = runCli(args, { env: { GITHUB_STEP_SUMMARY: step } });
    expect(r.code).toBe(1);
    expect(checkJunit(parseXml(readFileSync(junit, 'utf8')))).toEqual({ tests: 8, failures: 4, skipped: 0 });
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(commands.map((l) => /^::(\w+) title=([^:]*)::/.exec(l)!.slice(1, 3).map(unpercent).join(' '))).toEqual([
      'error gauntlet validate: win_rate',
      'error gauntlet validate: walk_forward_efficiency',
      'error gauntlet validate: pbo',
      'error gauntlet validate: mc_breach_probability',
      'error gauntlet validate: REJECTED',
    ]);
    expect(readFileSync(md, 'utf8')).toBe(readFileSync(step, 'utf8'));
    runCli(args, { env: { GITHUB_STEP_SUMMARY: step } });
    expect(readFileSync(step, 'utf8')).toBe(readFileSync(md, 'utf8').repeat(2));
  });

  it('refused before any work: --github with --json -, --junit on the --json file, --markdown inside the bundle', () => {
    const cases: [string[], RegExp][] = [
      [['--github', '--json', '-'], /--github prints workflow commands on stdout, so it cannot be combined with --json -/],
      [['--junit', join(root, 'same.json'), '--json', join(root, 'same.json')], /--junit and --json name the same file/],
      [['--markdown', 'fixtures/frozen-model/summary.md'], /--markdown is inside the input bundle fixtures\/frozen-model/],
    ];
    for (const [extra, message] of cases) {
      const r = runCli(['validate', 'fixtures/frozen-model', '--workers', '0', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync('fixtures/frozen-model/summary.md')).toBe(false);
  });
});
