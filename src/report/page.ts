// The run report page: one self-contained HTML file (inline SVG and CSS, no scripts, a Content-Security-
// Policy that forbids every fetch) with the run's summary and the sections of ./sections.ts.
import { join } from 'node:path';
import { escapeXml } from '../diagnose/plot-svg.js';
import { writeFileAtomic } from '../io/atomic.js';
import { version } from '../version.js';
import { type RunFolder, readRunFolder } from './run-folder.js';
import { type ExactFlowOptions, type Section, exactFlowSection, gateSection, lossSection, trainingFlowSection, validationSection } from './sections.js';

const esc = escapeXml;

const STYLE = `body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.6em 0}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
figure{margin:.5em 0}figcaption{font-size:.85em;color:#555}.missing{color:#8a6d3b;background:#fcf8e3;padding:.5em}
nav a{margin-right:1em}svg{max-width:100%;height:auto}`;

function kv(rows: [string, unknown][]): string {
  const cell = (v: unknown): string => esc(typeof v === 'number' ? String(+v.toPrecision(6)) : typeof v === 'string' ? v : JSON.stringify(v));
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`).join('')}</table>`;
}

function summarySection(run: RunFolder): Section {
  const parts: string[] = [];
  if (run.model) {
    const { vocab, ...config } = run.model.config;
    parts.push('<h3>Model</h3>', kv(Object.entries(config)));
    if (vocab !== undefined) parts.push(`<p>(and a stored vocabulary)</p>`);
    let training: unknown = null;
    try {
      training = JSON.parse(run.model.metadata['recur.training'] ?? 'null');
    } catch {
      training = null;
    }
    if (training && typeof training === 'object') parts.push('<h3>Saved model (best evaluation)</h3>', kv(Object.entries(training as Record<string, unknown>)));
  } else parts.push(`<p class="missing">${esc(run.modelProblem ?? 'no model')}</p>`);
  const lastTrain = [...run.records].reverse().find((r) => typeof r['loss'] === 'number');
  if (lastTrain) parts.push('<h3>Last logging step</h3>', kv(Object.entries(lastTrain)));
  return { id: 'summary', title: 'Summary', body: parts.join(''), present: run.model !== null };
}

/** The report's sections for `run`, in page order. */
export function reportSections(run: RunFolder, flow: ExactFlowOptions = {}): Section[] {
  const val = validationSection(run);
  return [summarySection(run), lossSection(run), ...(val ? [val] : []), trainingFlowSection(run), exactFlowSection(run, flow), gateSection(run)];
}

/** The whole page for `run` with its `sections` (see the file comment). */
export function reportHtml(run: RunFolder, sections: readonly Section[] = reportSections(run)): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>\n${s.body}\n</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>recur run report: ${esc(run.name)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Run report: ${esc(run.name)}</h1>
<p>Written by recur ${esc(version)} from ${esc(run.dir)}: metrics.jsonl (${run.records.length} records) and model.safetensors.</p>
<nav>${nav}</nav>
${body}
</body></html>
`;
}

/** Reads RUN_DIR, writes RUN_DIR/report.html (or `out`) atomically, and returns its path and sections. */
export function writeRunReport(dir: string, o: ExactFlowOptions & { out?: string } = {}): { path: string; sections: Section[] } {
  const run = readRunFolder(dir);
  const { out, ...flow } = o;
  const path = out ?? join(dir, 'report.html');
  const sections = reportSections(run, flow);
  writeFileAtomic(path, new TextEncoder().encode(reportHtml(run, sections)));
  return { path, sections };
}
