// Progress people can read: on a terminal one updating line (bar, ETA, throughput, loss, validation);
// elsewhere (CI, pipes) one plain line per logging step; nothing with --quiet.
import type { Io } from '../cli/io.js';

export interface ProgressUpdate {
  step: number;
  /** Total steps, when the run is step-limited. */
  steps: number | null;
  /** Share of the run done, 0…1. */
  progress: number;
  elapsedSec: number;
  rate: number;
  unit: string;
  loss: number;
  lr: number;
  val: Record<string, number> | null;
}

export interface Reporter {
  update(u: ProgressUpdate): void;
  /** A line that must not be overwritten (evaluations, checkpoints, warnings). */
  note(text: string): void;
  done(): void;
}

function clock(sec: number): string {
  if (!Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function rateText(rate: number, unit: string): string {
  return rate >= 1e4 ? `${(rate / 1e3).toFixed(1)}k ${unit}/s` : `${rate.toFixed(rate >= 100 ? 0 : 1)} ${unit}/s`;
}

function valText(val: Record<string, number> | null): string {
  if (!val) return '';
  return Object.entries(val).filter(([k]) => k !== 'loss' || Object.keys(val).length === 1)
    .map(([k, v]) => ` | val ${k} ${v.toFixed(3)}`).join('');
}

export function makeReporter(io: Io, quiet: boolean): Reporter {
  if (quiet) return { update() {}, note() {}, done() {} };
  if (!io.isTty) {
    return {
      update(u) {
        const of = u.steps ? `/${u.steps}` : '';
        io.err(`step ${u.step}${of}  loss ${u.loss.toFixed(4)}  lr ${u.lr.toExponential(2)}  ${rateText(u.rate, u.unit)}  elapsed ${clock(u.elapsedSec)}${valText(u.val)}`);
      },
      note: (t) => io.err(t),
      done() {},
    };
  }
  let last = '';
  const width = 24;
  return {
    update(u) {
      const filled = Math.round(u.progress * width);
      const eta = u.progress > 0 ? (u.elapsedSec * (1 - u.progress)) / u.progress : Infinity;
      const of = u.steps ? `/${u.steps}` : '';
      last = `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(u.progress * 100)).padStart(3)}% `
        + `step ${u.step}${of} ${clock(u.elapsedSec)} < ${clock(eta)} | ${rateText(u.rate, u.unit)} | loss ${u.loss.toFixed(3)}${valText(u.val)}`;
      io.errRaw?.(`${last}\x1b[K`);
    },
    note(t) {
      io.errRaw?.(`\r\x1b[K${t}\n${last}`);
    },
    done() {
      io.errRaw?.('\n');
    },
  };
}
