/**
 * A small strict XML 1.0 reader for the JUnit tests (no dependency): one prolog declaration,
 * elements, attributes, character data, the five predefined entities and numeric character
 * references; no DTD, comments or CDATA (Gauntlet writes none). Anything not well-formed throws
 * with its offset: unclosed or mismatched tags, duplicate attributes, a raw '<' or a bare '&'
 * in text or attribute values, characters XML 1.0 forbids.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const FORBIDDEN = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\ud800-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function parseXml(src: string): XmlElement {
  const bad = FORBIDDEN.exec(src);
  if (bad) throw new Error(`XML: forbidden character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  let i = 0;
  const fail = (m: string): never => {
    throw new Error(`XML: ${m} at offset ${i}`);
  };
  const decode = (s: string, at: number): string =>
    s.replace(/&([^;]*);|&|</g, (m, ent: string | undefined) => {
      if (m === '<') return fail(`raw '<' in text or attribute near ${at}`);
      if (ent === undefined) return fail(`bare '&' near ${at}`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (ent in named) return named[ent];
      const num = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(ent);
      if (!num) return fail(`unknown entity &${ent}; near ${at}`);
      return String.fromCodePoint(parseInt(num[1] ?? num[2], num[1] ? 16 : 10));
    });
  const ws = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    if (!/^<\?xml version="1\.0" encoding="UTF-8"\?>$/.test(src.slice(0, end + 2))) fail('unexpected declaration');
    i = end + 2;
  }
  ws();
  const element = (): XmlElement => {
    if (src[i] !== '<') fail("expected '<'");
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(src.slice(i))?.[0] ?? fail('bad element name');
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const an = /^[A-Za-z_][\w.-]*/.exec(src.slice(i))?.[0] ?? fail('bad attribute name');
      i += an.length;
      if (src[i] !== '=') fail("expected '='");
      i++;
      const q = src[i];
      if (q !== '"' && q !== "'") fail('expected a quoted value');
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      if (an in attrs) fail(`duplicate attribute ${an}`);
      attrs[an] = decode(src.slice(i + 1, end), i);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${name}>`);
      text += decode(src.slice(i, lt), i);
      i = lt;
      if (src.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(src.slice(i));
        if (!close || close[1] !== name) fail(`expected </${name}>`);
        i += close![0].length;
        return { name, attrs, children, text };
      }
      if (src.startsWith('<!', i) || src.startsWith('<?', i)) fail('comments, CDATA and processing instructions are not expected');
      children.push(element());
    }
  };
  const root = element();
  ws();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/**
 * The structure of the JUnit XML that Jenkins, GitLab and GitHub's test reporters read (the
 * jenkins-junit.xsd layout): allowed elements and attributes, required attributes, integer
 * counts that match the testcases. Throws naming the first violation.
 */
export function checkJunit(root: XmlElement): { tests: number; failures: number; skipped: number } {
  const allowed: Record<string, { attrs: string[]; required: string[]; children: string[] }> = {
    testsuites: { attrs: ['name', 'tests', 'failures', 'errors', 'skipped', 'disabled', 'time'], required: [], children: ['testsuite'] },
    testsuite: { attrs: ['name', 'tests', 'failures', 'errors', 'skipped', 'disabled', 'time', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version', 'group'], required: ['name', 'tests'], children: ['properties', 'testcase', 'system-out', 'system-err'] },
    properties: { attrs: [], required: [], children: ['property'] },
    property: { attrs: ['name', 'value'], required: ['name', 'value'], children: [] },
    testcase: { attrs: ['name', 'classname', 'time', 'status', 'assertions', 'file', 'line'], required: ['name'], children: ['skipped', 'error', 'failure', 'system-out', 'system-err'] },
    skipped: { attrs: ['message'], required: [], children: [] },
    failure: { attrs: ['message', 'type'], required: [], children: [] },
    error: { attrs: ['message', 'type'], required: [], children: [] },
    'system-out': { attrs: [], required: [], children: [] },
    'system-err': { attrs: [], required: [], children: [] },
  };
  const visit = (e: XmlElement) => {
    const rule = allowed[e.name];
    if (!rule) throw new Error(`JUnit: unexpected element <${e.name}>`);
    for (const a of Object.keys(e.attrs)) if (!rule.attrs.includes(a)) throw new Error(`JUnit: unexpected attribute ${a} on <${e.name}>`);
    for (const a of rule.required) if (!(a in e.attrs)) throw new Error(`JUnit: <${e.name}> lacks ${a}`);
    for (const a of ['tests', 'failures', 'errors', 'skipped', 'disabled']) if (a in e.attrs && !/^\d+$/.test(e.attrs[a])) throw new Error(`JUnit: ${a}="${e.attrs[a]}" is not a count`);
    if ('time' in e.attrs && !/^\d+(\.\d+)?$/.test(e.attrs.time)) throw new Error(`JUnit: time="${e.attrs.time}" is not a number`);
    for (const c of e.children) if (!rule.children.includes(c.name)) throw new Error(`JUnit: <${c.name}> is not allowed in <${e.name}>`);
    e.children.forEach(visit);
  };
  if (root.name !== 'testsuites') throw new Error('JUnit: the root must be <testsuites>');
  visit(root);
  let tests = 0, failures = 0, skipped = 0;
  for (const suite of root.children) {
    const cases = suite.children.filter((c) => c.name === 'testcase');
    const f = cases.filter((c) => c.children.some((x) => x.name === 'failure')).length;
    const s = cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length;
    if (Number(suite.attrs.tests) !== cases.length) throw new Error(`JUnit: testsuite tests=${suite.attrs.tests} but ${cases.length} testcases`);
    if (Number(suite.attrs.failures ?? 0) !== f) throw new Error(`JUnit: testsuite failures=${suite.attrs.failures} but ${f} failed testcases`);
    if (Number(suite.attrs.skipped ?? 0) !== s) throw new Error(`JUnit: testsuite skipped=${suite.attrs.skipped} but ${s} skipped testcases`);
    tests += cases.length;
    failures += f;
    skipped += s;
  }
  if ('tests' in root.attrs && Number(root.attrs.tests) !== tests) throw new Error('JUnit: testsuites tests does not add up');
  if ('failures' in root.attrs && Number(root.attrs.failures) !== failures) throw new Error('JUnit: testsuites failures does not add up');
  return { tests, failures, skipped };
}
