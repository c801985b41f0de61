import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const findRoot = (from: string): string => (existsSync(resolve(from, 'package.json')) || dirname(from) === from ? from : findRoot(dirname(from)));

/** The repository: the nearest directory up from this file with a package.json (from the sources or from dist/). */
export const REPOSITORY_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
