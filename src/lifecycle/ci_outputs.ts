/**
 * CI renderings of a check suite (docs/ci.md): JUnit XML (`--junit FILE`), GitHub Actions
 * workflow commands and a step summary (`--github`), Markdown (`--markdown FILE`). Every
 * string that came from an input (ids, paths, reasons quoting them) is escaped for its
 * destination: terminal-unsafe characters first (src/escape.ts: no raw newline or control
 * character survives), then the format's own syntax (XML entities, GitHub's percent-encoding
 * of workflow command data and properties, Markdown's punctuation).
 */
import { closeSync, constants, openSync } from 'node:fs';
import { escapeText } from '../escape.js';
import { writeAll, writeError } from '../io/atomic.js';
import type { Check, CheckSuite } from './checks.js';

/**
 * Text for XML 1.0 character data or an attribute value: the five predefined entities, and
 * (after escapeText has turned C0/C1 controls into visible escapes) the characters XML 1.0
 * cannot carry at all (U+FFFE, U+FFFF, lone surrogates) as visible \uXXXX. O(length).
 */
export function xmlEscape(s: string): string {
  return escapeText(s)
    .replace(/[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : String(+x.toFixed(6));
}

/**
 * JUnit XML in the shape Jenkins, GitLab and the GitHub test reporters read (the
 * jenkins-junit.xsd layout): <testsuites> holding one <testsuite>, one <testcase> per check.
 * A failed check is a <failure> whose message names the value, threshold and reason; a disabled
 * one is <skipped>; passing, advisory and WATCH checks pass, with their detail in <system-out>.
 * Counts are of the testcases written. O(checks).
 */
export function junitXml(suite: CheckSuite): string {
  const failures = suite.checks.filter((c) => c.status === 'fail').length;
  const skipped = suite.checks.filter((c) => c.status === 'skip').length;
  const tests = suite.checks.length;
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0"`;
  const classPrefix = suite.name.replace(/^gauntlet /, 'gauntlet.');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suite.name)}" ${counts}>`,
    `  <testsuite name="${xmlEscape(`${suite.name}: ${suite.subject}`)}" ${counts}>`,
    '    <properties>',
    `      <property name="verdict" value="${xmlEscape(suite.verdict)}"/>`,
    `      <property name="subject" value="${xmlEscape(suite.subject)}"/>`,
    '    </properties>',
  ];
  for (const c of suite.checks) {
    const open = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(`${classPrefix}.${c.group}`)}" time="0"`;
    if (c.status === 'fail') {
      const message = `${c.name}: value ${fmt(c.value)}${c.threshold ? `, threshold ${c.threshold}` : ''}${c.reason ? `, reason ${c.reason}` : ''}`;
      const body = [`value: ${fmt(c.value)}`, `threshold: ${c.threshold || 'none'}`, `reason: ${c.reason ?? 'none'}`, c.detail].map(xmlEscape).join('\n');
      lines.push(`${open}>`, `      <failure message="${xmlEscape(message)}" type="${xmlEscape(c.reason ?? 'FAILED')}">${body}</failure>`, '    </testcase>');
    } else if (c.status === 'skip') {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(c.detail)}"/>`, '    </testcase>');
    } else {
      const tag = c.status === 'warn' ? 'WATCH: ' : '';
      lines.push(`${open}>`, `      <system-out>${xmlEscape(tag + c.detail)}</system-out>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}

/** GitHub's escaping of a workflow command's data: %, CR and LF percent-encoded (actions/toolkit escapeData). */
export function githubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub's escaping of a workflow command property: also ':' and ',' (actions/toolkit escapeProperty). */
export function githubProperty(s: string): string {
  return githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Workflow command lines: `::error title=...::...` per failed check, `::warning` per WATCH
 * check (and for a suite that failed without a failed check), `::notice` with the verdict.
 * Untrusted text is escaped for the terminal first (so it holds no line break of its own),
 * then percent-encoded by GitHub's rules. O(checks).
 */
export function githubCommands(suite: CheckSuite): string[] {
  const out: string[] = [];
  const cmd = (kind: 'error' | 'warning' | 'notice', title: string, message: string) =>
    out.push(`::${kind} title=${githubProperty(escapeText(title))}::${githubData(escapeText(message))}`);
  for (const c of suite.checks) {
    const msg = `${c.detail}${c.threshold ? ` (value ${fmt(c.value)}, threshold ${c.threshold}${c.reason ? `, reason ${c.reason}` : ''})` : ''}`;
    if (c.status === 'fail') cmd('error', `${suite.name}: ${c.name}`, msg);
    else if (c.status === 'warn') cmd('warning', `${suite.name}: ${c.name}`, msg);
  }
  cmd(suite.ok ? 'notice' : 'error', `${suite.name}: ${suite.verdict}`, `${suite.subject}: ${suite.verdict}`);
  return out;
}

/** Text for a Markdown table cell: no line break, no HTML, Markdown punctuation and pipes backslash-escaped. */
export function markdownCell(s: string): string {
  return escapeText(s)
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`);
}

const ICON: Record<Check['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WATCH', skip: 'SKIP', info: 'INFO' };

/** A Markdown summary: the verdict, then a table of the checks. O(checks). */
export function markdownSummary(suite: CheckSuite): string {
  const lines = [
    `### ${markdownCell(suite.name)}: ${markdownCell(suite.subject)}: **${markdownCell(suite.verdict)}**`,
    '',
    '| check | status | value | threshold | reason | detail |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of suite.checks) {
    lines.push(`| ${markdownCell(c.name)} | ${ICON[c.status]} | ${fmt(c.value)} | ${markdownCell(c.threshold || '-')} | ${markdownCell(c.reason ?? '-')} | ${markdownCell(c.detail)} |`);
  }
  return lines.join('\n') + '\n\n';
}

/** Append to the step summary file GitHub names in GITHUB_STEP_SUMMARY (created if missing; checked writes). */
export function appendStepSummary(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
  } catch (err) {
    throw writeError(file, err, 'cannot open GITHUB_STEP_SUMMARY for appending');
  }
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
  } catch (err) {
    throw writeError(file, err, 'cannot append to GITHUB_STEP_SUMMARY');
  } finally {
    closeSync(fd);
  }
}
