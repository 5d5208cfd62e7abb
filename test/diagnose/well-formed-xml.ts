// A strict little XML well-formedness check for the SVG we write (no browser or parser dependency):
// tags nest and close, attribute values are quoted and free of '<', text has no raw '<' or stray '&'.
import assert from 'node:assert/strict';

const TAG = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

/** Asserts `xml` is one well-formed element tree and returns the element names in document order. */
export function assertWellFormedXml(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const ch = xml[i]!;
    if (ch === '<') {
      const m = TAG.exec(xml.slice(i, i + 100_000));
      assert.ok(m, `malformed tag at ${i}: ${xml.slice(i, i + 60)}`);
      const [all, close, name, attrs, selfClose] = m;
      const seen = new Set<string>();
      for (const a of attrs!.matchAll(/([A-Za-z_:][\w:.-]*)=/g)) {
        assert.ok(!seen.has(a[1]!), `duplicate attribute ${a[1]} on <${name}>`);
        seen.add(a[1]!);
      }
      if (close) {
        assert.equal(stack.pop(), name, `</${name}> closes the wrong element at ${i}`);
      } else {
        if (stack.length === 0) roots++;
        names.push(name!);
        if (!selfClose) stack.push(name!);
      }
      i += all.length;
    } else if (ch === '&') {
      const m = ENTITY.exec(xml.slice(i, i + 12));
      assert.ok(m, `stray '&' at ${i}: ${xml.slice(i, i + 20)}`);
      i += m[0].length;
    } else {
      if (stack.length === 0) assert.match(ch, /\s/, `text outside the root element at ${i}`);
      i++;
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'expected exactly one root element');
  return names;
}
