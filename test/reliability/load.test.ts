import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The load benchmark at a reduced size, as a functional check: under concurrent
// HTTP and WebSocket calls every request is acknowledged and every customer
// threat's alert reaches the SSE client. Speed is reported, never asserted here
// (`npm run bench:load` measures it at full size).

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('load (reduced size)', () => {
  it('acknowledges every utterance and delivers every alert', { timeout: 240_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-load-test-'));
    const out = path.join(dir, 'load.json');
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'bench/load.ts'),
        '--rate', '150', '--seconds', '6', '--calls', '20', '--out', out], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
      const r = JSON.parse(readFileSync(out, 'utf8'));
      expect(r.pipeline.errors).toBe(0);
      expect(r.pipeline.ok).toBe(r.pipeline.sent);
      expect(r.pipeline.sent).toBeGreaterThanOrEqual(150 * 6 * 0.95);
      expect(r.pipeline.alertsExpected).toBeGreaterThan(0);
      expect(r.pipeline.alertsSeen).toBe(r.pipeline.alertsExpected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
