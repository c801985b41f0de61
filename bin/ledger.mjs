#!/usr/bin/env node
// `ledger`: the operator CLI (apps/projector/src/cli/cli.ts). It compiles the tree first only when
// a source is newer than the last build (an incremental tsc), so an unchanged tree starts at once.
// Where there are no sources or no TypeScript (the Docker image), it runs the build it has.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { needsBuild } from './build-freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist/apps/projector/src/cli/cli.js');
// tsc's incremental build info; its time is the build stamp (tsc puts it beside the output).
const stamp = join(root, 'dist/tsconfig.build.tsbuildinfo');

const typescript = () => {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
};

const build = () => {
  const tsc = typescript();
  if (!tsc || !existsSync(join(root, 'tsconfig.build.json'))) return;
  // Build info without its output would make tsc emit nothing: start afresh then.
  if (!existsSync(entry)) rmSync(stamp, { force: true });
  const started = new Date();
  process.stderr.write('ledger: sources changed, compiling (tsc -p tsconfig.build.json)…\n');
  // tsc's messages go to stderr, so stdout carries only the command's own output (e.g. a token).
  const { status, error } = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (error || status !== 0) {
    process.stderr.write(`ledger: the build failed${error ? `: ${error.message}` : ''}\n`);
    process.exit(status || 1);
  }
  // A build that changed nothing leaves the stamp as it was; a change made while it ran stays newer.
  if (existsSync(stamp)) utimesSync(stamp, started, started);
};

if (needsBuild(root, entry, stamp)) build();
const { runCli } = await import(pathToFileURL(entry).href);
await runCli(process.argv);
