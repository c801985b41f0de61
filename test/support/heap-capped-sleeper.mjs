// A stand-in for a rebuild, for test/rebuild-launcher.e2e-spec.ts: it starts itself again under a
// heap cap as `projections rebuild` does, and there prints its pid and waits a minute.
import { followLauncher, rerunWithHeapCap } from '../../dist/apps/projector/src/cli/heap-cap.js';

const exitCode = await rerunWithHeapCap(64);
if (exitCode !== null) process.exit(exitCode);
followLauncher();
console.log(process.pid);
setTimeout(() => undefined, 60_000);
