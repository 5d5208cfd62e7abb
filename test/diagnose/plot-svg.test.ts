import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, linePlotSvg, niceTicks } from '../../src/diagnose/plot-svg.js';
import { assertWellFormedXml } from './well-formed-xml.js';

const lines = (svg: string): { label: string; d: string }[] =>
  [...svg.matchAll(/<path class="line" data-label="([^"]*)" d="([^"]*)"/g)].map((m) => ({ label: m[1]!, d: m[2]! }));

test('a log-scale plot is well-formed SVG with one line per series, both axis labels, a title and a legend', () => {
  const x = Array.from({ length: 50 }, (_, i) => i + 1);
  const svg = linePlotSvg([
    { label: 'rnn', x, y: x.map((l) => 0.8 ** l) },
    { label: 'lstm', x, y: x.map((l) => 0.97 ** l) },
    { label: 'rnn ×4', x, y: x.map((l) => 1.3 ** l) },
  ], { title: 'Gradient flow', xLabel: 'lag T − k', yLabel: '‖∂h_T/∂h_k‖₂' });
  const names = assertWellFormedXml(svg);
  assert.equal(names[0], 'svg');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.deepEqual(lines(svg).map((l) => l.label), ['rnn', 'lstm', 'rnn ×4']);
  for (const l of lines(svg)) assert.equal(l.d.match(/M/g)!.length, 1, 'one unbroken line per series');
  assert.match(svg, /<text class="x-label"[^>]*>lag T − k<\/text>/);
  assert.match(svg, /<text class="y-label"[^>]*>‖∂h_T\/∂h_k‖₂<\/text>/);
  assert.match(svg, />Gradient flow<\/text>/);
  assert.equal(svg.match(/<g class="legend">/g)!.length, 1);
  // decades from 10^−5 (0.8^50 ≈ 1.4e−5) to 10^6 (1.3^50 ≈ 4.9e5): 11 decades, every second one labelled
  assert.match(svg, />10<tspan[^>]*>−4<\/tspan>/);
  assert.doesNotMatch(svg, />10<tspan[^>]*>−5<\/tspan>/);
  assert.match(svg, />10<tspan[^>]*>6<\/tspan>/);
  assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
});

test('null, zero and non-finite points leave gaps on a log axis instead of breaking the path', () => {
  const svg = linePlotSvg([{ label: 'gappy', x: [1, 2, 3, 4, 5, 6], y: [1, 0.5, null, 0.1, 0, Infinity] }]);
  assertWellFormedXml(svg);
  const [line] = lines(svg);
  assert.equal(line!.d.match(/M/g)!.length, 2);
  assert.equal(line!.d.match(/L/g)!.length, 1);
  assert.doesNotMatch(svg, /NaN|Infinity/);
});

test('labels are XML-escaped and clip ids can be made unique per plot', () => {
  const svg = linePlotSvg([{ label: 'a<b & "c"', x: [1, 2], y: [1, 2] }], { title: '<T>', id: 'p2' });
  assertWellFormedXml(svg);
  assert.match(svg, /data-label="a&lt;b &amp; &quot;c&quot;"/);
  assert.match(svg, />&lt;T&gt;<\/text>/);
  assert.match(svg, /<clipPath id="p2-area">/);
  assert.match(svg, /clip-path="url\(#p2-area\)"/);
  assert.equal(escapeXml(`'`), '&apos;');
});

test('a linear y axis gets round ticks, and an empty plot still renders and says so', () => {
  const svg = linePlotSvg([{ label: 'loss', x: [0, 100, 200], y: [2.3, 1.1, 0.4] }], { yScale: 'linear' });
  assertWellFormedXml(svg);
  for (const v of ['0.5', '1', '1.5', '2']) assert.match(svg, new RegExp(`>${v.replace('.', '\\.')}</text>`));
  const empty = linePlotSvg([{ label: 'none', x: [1, 2], y: [null, 0] }]);
  assertWellFormedXml(empty);
  assert.match(empty, /no data to plot/);
  assertWellFormedXml(linePlotSvg([]));
});

test('nice ticks are 1, 2 or 5 × 10^k apart and cover the range', () => {
  assert.deepEqual(niceTicks(1, 100), [20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-3, 3, 3), [-2, 0, 2]);
  assert.deepEqual(niceTicks(5, 5), [5]);
});
