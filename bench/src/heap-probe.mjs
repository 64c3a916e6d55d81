// Preloaded into a bench server only (`node --expose-gc --import ./heap-probe.mjs …`), never
// into production: on SIGUSR2 it collects garbage fully and appends the process's memory
// to the file named by BENCH_HEAP_PROBE, one JSON line per signal. RSS alone cannot tell
// retention from V8 deferring its old-generation GC under load (it let the heap grow to
// 770 MB over 154 MB live in one run): the heap used after a full GC can.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const out = process.env.BENCH_HEAP_PROBE;
let probes = 0;

process.on('SIGUSR2', async () => {
  const probe = ++probes;
  const before = process.memoryUsage();
  // Each request's undici Request registers its abort wiring in a FinalizationRegistry; the
  // entries of Requests a GC found dead are released by a cleanup task after it. Let those
  // tasks run between collections, or the last few hundred requests' signals count as live.
  for (let round = 0; round < 3; round++) {
    globalThis.gc();
    await sleep(50);
  }
  globalThis.gc();
  const after = process.memoryUsage();
  appendFileSync(out, `${JSON.stringify({ probe, before, after })}\n`);
});
