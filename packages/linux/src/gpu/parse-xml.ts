import { PerfError } from '@arcbox/perf-core';

/** An element of a small XML document: name, attributes, child elements and its own text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface ParseXmlLimits {
  /** Largest document read, characters (nvidia-smi -q -x of 8 GPUs is about 500 KB). */
  maxChars?: number;
  maxDepth?: number;
  maxElements?: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A bounded parser for the plain XML tools print (nvidia-smi -q -x): elements, attributes, text,
 * comments, a declaration and a DOCTYPE; no namespaces, no CDATA. Throws a PARSE_ERROR PerfError
 * on a document it cannot read or one past a bound.
 */
export function parseXml(text: string, limits: ParseXmlLimits = {}): XmlElement {
  const maxChars = limits.maxChars ?? 8 * 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 32;
  const maxElements = limits.maxElements ?? 200_000;
  const fail = (message: string) => new PerfError('PARSE_ERROR', `XML: ${message}`);
  if (text.length > maxChars) throw fail(`document longer than ${maxChars} characters`);
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decode(text.slice(i));
      break;
    }
    if (lt > i) top.text += decode(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) throw fail('unclosed comment');
      i = end + 3;
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw fail('unclosed tag');
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.length < 2 || top.name !== name) throw fail(`unexpected </${name}>`);
      top.text = top.text.trim();
      stack.pop();
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const match = /^([A-Za-z_][\w.:-]*)/.exec(body);
    if (!match) throw fail(`bad tag <${tag.slice(0, 40)}>`);
    if (++count > maxElements) throw fail(`more than ${maxElements} elements`);
    const element: XmlElement = { name: match[1]!, attrs: {}, children: [], text: '' };
    for (const a of body.slice(match[0].length).matchAll(/([\w.:-]+)\s*=\s*"([^"]*)"/g))
      element.attrs[a[1]!] = decode(a[2]!);
    top.children.push(element);
    if (!selfClosing) {
      if (stack.length > maxDepth) throw fail(`nested deeper than ${maxDepth}`);
      stack.push(element);
    }
  }
  if (stack.length > 1) throw fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root;
}

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16) % 0x110000);
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10) % 0x110000);
    return ENTITIES[e] ?? all;
  });
}

/** The first child named `name`. */
export function child(e: XmlElement | undefined, name: string): XmlElement | undefined {
  return e?.children.find((c) => c.name === name);
}

/** Text at a path of child names; undefined when any step is missing. */
export function textAt(e: XmlElement | undefined, ...path: string[]): string | undefined {
  let at = e;
  for (const name of path) at = child(at, name);
  return at?.text;
}
