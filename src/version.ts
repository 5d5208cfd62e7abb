// The package's version, read once from its package.json.
import { readFileSync } from 'node:fs';

/** Root folder of the installed package (holds package.json, build/, native/). */
export const packageRoot = new URL('../../', import.meta.url);

export const version: string = (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;
