// Audio capacity benchmark: N concurrent two-channel 8 kHz μ-law calls through
// decode + resample + VAD on ONE core (one process), against a baseline of
// decode + resample alone, run in the same invocation.
//
//   npm run bench:audio [-- --seconds 10 --steps 25,50,100,150,200,300]
//
// Each (mode, N) runs in its own child process so memory per stream is
// measured on a clean heap and native detectors from other runs do not count.
// Streams are the committed Korean call fixture, looped, each starting at a
// different offset; frames are 100 ms, interleaved across streams the way a
// server receives them. "Real time" = all N streams' T seconds of audio
// processed with at most T seconds of CPU time (one core). CPU time rather than
// wall time because this machine's two cores are shared with other work; wall
// time is reported too.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallAudio } from '../src/audio/call.js';
import { decodeInterleaved } from '../src/audio/codecs.js';
import { createResampler } from '../src/audio/resample.js';
import { noneEngine } from '../src/audio/stt/engine.js';
import { DEFAULT_GATE, VadPool } from '../src/audio/vad.js';
import { parseWav } from '../src/audio/wav.js';

type Mode = 'decode+resample' | 'vad-gated' | 'vad-every-window';
const MODES: Mode[] = ['decode+resample', 'vad-gated', 'vad-every-window'];
const FRAME_MS = 100;
const FRAME_BYTES = (8000 * 2 * FRAME_MS) / 1000;

interface RunResult {
  mode: Mode;
  streams: number;
  audioSeconds: number;
  wallSeconds: number;
  /** CPU time (user + system) of the timed part: what the work costs on a dedicated core. */
  cpuSeconds: number;
  /** Audio seconds processed per CPU second, all streams together. */
  speed: number;
  realtime: boolean;
  rssMbPerStream: number;
  detectors: number;
  /** Detectors created before the timed run (pool prewarm), and ms each. */
  prewarmed: number;
  msPerDetector: number;
  segments: number;
}

function loadAudio(): Uint8Array {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/audio/call-ko-8k-ulaw-stereo.wav');
  return parseWav(readFileSync(file)).data;
}

/** One stream's frames for `seconds`, looping the fixture from `offset`. */
function streamFrames(audio: Uint8Array, seconds: number, offset: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const total = Math.round((seconds * 1000) / FRAME_MS);
  let at = offset - (offset % 2);
  for (let i = 0; i < total; i++) {
    const f = new Uint8Array(FRAME_BYTES);
    for (let k = 0; k < FRAME_BYTES; k++) f[k] = audio[(at + k) % audio.length];
    at = (at + FRAME_BYTES) % audio.length;
    frames.push(f);
  }
  return frames;
}

interface Stream {
  write(f: Uint8Array): void;
  end(): Promise<void>;
}

/** The baseline: what every mode does anyway, without segmentation. */
function baselineStream(): Stream {
  const r = [createResampler(8000), createResampler(8000)];
  return {
    write(f) {
      const [a, b] = decodeInterleaved(f, { encoding: 'pcmu', channels: 2 });
      r[0].push(a);
      r[1].push(b);
    },
    async end() {},
  };
}

async function child(mode: Mode, n: number, seconds: number): Promise<RunResult> {
  const audio = loadAudio();
  const frames = Array.from({ length: n }, (_, i) => streamFrames(audio, seconds, Math.floor((audio.length / n) * i)));
  const pool = new VadPool();
  let segments = 0;
  const nullSink = { addUtterance: async () => ({ accepted: true }), endCall: async () => {} };
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  // A server prewarms its detector pool at startup; creation is timed apart.
  const prewarm = mode === 'vad-gated' ? Math.ceil(n * 1.1) : mode === 'vad-every-window' ? 2 * n : 0;
  const tp = process.hrtime.bigint();
  pool.prewarm(prewarm);
  const msPerDetector = prewarm ? Number(process.hrtime.bigint() - tp) / 1e6 / prewarm : 0;
  const streams: Stream[] = frames.map((_, i) =>
    mode === 'decode+resample'
      ? baselineStream()
      : new CallAudio({
          callId: `bench-${i}`,
          format: { encoding: 'pcmu', sampleRate: 8000, channels: 2 },
          speakers: ['customer', 'agent'],
          sink: nullSink,
          stt: noneEngine,
          pool,
          gate: { ...DEFAULT_GATE, enabled: mode === 'vad-gated' },
          onEvent: () => segments++,
        }),
  );
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const perStream = frames[0].length;
  for (let k = 0; k < perStream; k++) for (let i = 0; i < n; i++) streams[i].write(frames[i][k]);
  await Promise.all(streams.map((s) => s.end()));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  const rss1 = process.memoryUsage().rss;
  // The audio frames themselves are bench input, not per-stream state.
  const inputMb = (n * perStream * FRAME_BYTES) / 1e6;
  return {
    mode,
    streams: n,
    audioSeconds: seconds,
    wallSeconds: +wall.toFixed(3),
    cpuSeconds: +cpu.toFixed(3),
    speed: +((n * seconds) / cpu).toFixed(1),
    // On this shared 2-core machine wall time depends on other people's load;
    // CPU time is what the calls cost. Real time = it fits in one core.
    realtime: cpu <= seconds,
    rssMbPerStream: +((Math.max(0, (rss1 - rss0) / 1e6 - inputMb)) / n).toFixed(2),
    detectors: pool.stats().peak,
    prewarmed: prewarm,
    msPerDetector: +msPerDetector.toFixed(1),
    segments,
  };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function runChild(mode: Mode, n: number, seconds: number): RunResult {
  const self = fileURLToPath(import.meta.url);
  // taskset pins the child to one core, so "one core" holds even on a multi-core box.
  const cmd = ['taskset', '-c', '0', process.execPath, '--expose-gc', '--import', 'tsx', self, '--child', mode, String(n), String(seconds)];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${mode} ${n} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function table(rows: RunResult[]): string {
  const head = ['mode', 'calls', 'audio s', 'CPU s', 'core used', 'wall s', 'real time?', 'RSS MB/call', 'detectors peak', 'ms/detector', 'segments'];
  const lines = rows.map((r) => [r.mode, r.streams, r.audioSeconds, r.cpuSeconds, `${((r.cpuSeconds / r.audioSeconds) * 100).toFixed(0)}%`, r.wallSeconds, r.realtime ? 'yes' : 'NO', r.rssMbPerStream, r.detectors, r.msPerDetector, r.segments].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => c.padEnd(w[i])).join('  ');
  return [fmt(head), fmt(w.map((x) => '-'.repeat(x))), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const i = process.argv.indexOf('--child');
    const r = await child(process.argv[i + 1] as Mode, Number(process.argv[i + 2]), Number(process.argv[i + 3]));
    console.log(JSON.stringify(r));
    return;
  }
  const seconds = Number(arg('seconds', '10'));
  const steps = arg('steps', '50,100,125,150,200').split(',').map(Number);
  const rows: RunResult[] = [];
  const capacity: Record<string, number> = {};
  for (const mode of MODES) {
    for (const n of steps) {
      const r = runChild(mode, n, seconds);
      rows.push(r);
      console.error(`${mode.padEnd(18)} ${String(n).padStart(4)} calls: ${r.cpuSeconds} CPU s (${r.wallSeconds} s wall) for ${seconds} s of audio (${r.realtime ? 'real time' : 'behind'})`);
      if (r.realtime) capacity[mode] = n;
      if (!r.realtime) break;
    }
  }
  // Linear projection from the largest run that kept up. Optimistic: cost per call
  // grows with the number of live detectors (CPU cache), see docs/audio.md.
  const projected = Object.fromEntries(MODES.map((m) => {
    const best = rows.filter((r) => r.mode === m && r.realtime).sort((a, b) => b.streams - a.streams)[0] ?? rows.find((r) => r.mode === m)!;
    return [m, Math.floor((best.streams * best.audioSeconds) / best.cpuSeconds)];
  }));
  console.log(table(rows));
  console.log('\ncalls in real time on one core (largest step that kept up / linear projection from it):');
  for (const m of MODES) console.log(`  ${m.padEnd(18)} ${capacity[m] ?? 0} / ~${projected[m]}`);
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const result = { date: new Date().toISOString(), node: process.version, cpu, cores: os.cpus().length, loadavg: os.loadavg(), seconds, rows, capacity, projected, sherpaOnnx: execFileSync(process.execPath, ['-e', "console.log(require('sherpa-onnx-node/package.json').version)"], { encoding: 'utf8' }).trim() };
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results', `audio-${result.date.slice(0, 10)}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

await main();
