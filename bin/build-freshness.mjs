// When must `ledger` compile before it runs? Plain JavaScript: it runs before anything is compiled.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What tsconfig.build.json compiles, and the files that change how it compiles. */
export const SOURCE_DIRS = ['apps', 'libs', 'scripts'];
export const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

const isTest = (name) => /\.(spec|e2e-spec|contract)\.ts$/.test(name);

const mtimeOf = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
};

/**
 * The newest modification time among the sources under `dirs` (tests aside) and the directories
 * themselves, which change when a file is added, removed or renamed; 0 when there are none.
 */
export const newestSourceTime = (root, dirs = SOURCE_DIRS, files = CONFIG_FILES) => {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    newest = Math.max(newest, mtimeOf(dir) ?? 0);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(path);
      } else if (entry.name.endsWith('.ts') && !isTest(entry.name)) newest = Math.max(newest, mtimeOf(path) ?? 0);
    }
  };
  for (const dir of dirs) visit(join(root, dir));
  for (const file of files) newest = Math.max(newest, mtimeOf(join(root, file)) ?? 0);
  return newest;
};

/**
 * Whether the build output is missing or older than a source. `builtAt` is the build stamp's
 * modification time (null when there is none), `entry` the compiled file that must exist.
 */
export const needsBuild = (root, entry, stamp) => {
  const builtAt = mtimeOf(stamp);
  if (builtAt === null || mtimeOf(entry) === null) return true;
  return newestSourceTime(root) > builtAt;
};
