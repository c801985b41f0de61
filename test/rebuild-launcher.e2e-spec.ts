import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPOSITORY_ROOT } from '#infra/repository-root';
import { waitUntil } from './support/apps.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('projections rebuild under its heap cap', () => {
  it('stops the capped process when its launcher is killed outright, so no rebuild goes on orphaned', async () => {
    const launcher = spawn(process.execPath, [resolve(REPOSITORY_ROOT, 'test/support/heap-capped-sleeper.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    launcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let capped = 0;
    try {
      await waitUntil(() => /^\d+\n/.test(output), 15_000, 'the capped process to print its pid');
      capped = Number(output.trim());
      expect(capped).not.toBe(launcher.pid);
      expect(alive(capped)).toBe(true);
      launcher.kill('SIGKILL');
      await waitUntil(() => !alive(capped), 5_000, `the capped process ${capped} to stop with its launcher`);
    } finally {
      launcher.kill('SIGKILL');
      if (capped && alive(capped)) process.kill(capped, 'SIGKILL');
    }
  });
});
