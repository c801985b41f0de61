import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsBuild } from '../bin/build-freshness.mjs';

/** `ledger` (bin/ledger.mjs) compiles only when this says so: a tree of files with set times. */
describe('needsBuild (when `ledger` compiles first)', () => {
  let root: string;
  const at = (path: string, seconds: number): void => utimesSync(join(root, path), seconds, seconds);
  const file = (path: string, seconds: number): void => {
    writeFileSync(join(root, path), '');
    at(path, seconds);
  };
  const entry = (): string => join(root, 'dist/cli.js');
  const stamp = (): string => join(root, 'dist/tsconfig.build.tsbuildinfo');
  const stale = (): boolean => needsBuild(root, entry(), stamp());

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ledger-launcher-'));
    for (const dir of ['apps/projector', 'libs', 'scripts', 'dist']) mkdirSync(join(root, dir), { recursive: true });
    file('package.json', 100);
    file('tsconfig.json', 100);
    file('apps/projector/cli.ts', 100);
    file('apps/projector/cli.spec.ts', 100);
    for (const dir of ['apps/projector', 'apps', 'libs', 'scripts']) at(dir, 100);
    file('dist/cli.js', 200);
    file('dist/tsconfig.build.tsbuildinfo', 200);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('does not when every source is older than the last build', () => {
    expect(stale()).toBe(false);
  });

  it('does when a source changed after the build', () => {
    at('apps/projector/cli.ts', 300);
    expect(stale()).toBe(true);
  });

  it('does when a source was added or removed (its directory changed)', () => {
    at('apps/projector', 300);
    expect(stale()).toBe(true);
  });

  it('does when the compiler settings or the package changed', () => {
    at('tsconfig.json', 300);
    expect(stale()).toBe(true);
    at('tsconfig.json', 100);
    at('package.json', 300);
    expect(stale()).toBe(true);
  });

  it('does not for a changed test, which the build leaves out', () => {
    at('apps/projector/cli.spec.ts', 300);
    expect(stale()).toBe(false);
  });

  it('does when there is no build yet, or its output is gone', () => {
    rmSync(entry());
    expect(stale()).toBe(true);
    file('dist/cli.js', 200);
    rmSync(stamp());
    expect(stale()).toBe(true);
  });
});
