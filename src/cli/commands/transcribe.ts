import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIO_EXTENSIONS, transcribeFile, type FileResult } from '../../audio/batch.js';
import type { AudioEvent } from '../../audio/events.js';
import { HttpApiSink } from '../../audio/http-sink.js';
import { PendingStore } from '../../audio/pending.js';
import { createSttEngine, loadSttConfig, type SttEngine } from '../../audio/stt/index.js';
import { loadConfig } from '../../core/config.js';
import type { Speaker } from '../../core/types.js';
import type { CallStart, IngestSink, UtteranceIn } from '../../ingest/sink.js';
import { UsageError, type Command } from '../command.js';

// Batch transcription of recorded calls. The STT engine comes from the
// environment (RADAR_STT_ENGINE etc.). Without --server the transcripts are
// printed; with --server each call is posted to that Radar's HTTP API.
// --watch DIR keeps running: every new recording dropped into DIR is
// processed once and moved to DIR/done (or DIR/failed).

/** Collects utterances for printing. */
class PrintSink implements IngestSink {
  readonly lines: UtteranceIn[] = [];
  async startCall(c: CallStart) {
    return { id: c.id ?? 'file', created: true };
  }
  async addUtterance(u: UtteranceIn) {
    if (u.final) this.lines.push(u);
    return { accepted: true };
  }
  async endCall() {}
}

interface Options {
  json: boolean;
  customerChannel: 0 | 1;
  monoSpeaker: Speaker;
  server: { url: string; token: string } | null;
}

function progressBar(file: string): (f: number) => void {
  if (!process.stderr.isTTY) return () => {};
  const name = path.basename(file).slice(0, 30);
  return (f) => {
    const width = 30;
    const full = Math.round(f * width);
    process.stderr.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%  ${name}`);
    if (f >= 1) process.stderr.write('\n');
  };
}

async function processFile(file: string, o: Options, stt: SttEngine, pending: PendingStore | null): Promise<FileResult & { lines: UtteranceIn[] }> {
  const print = new PrintSink();
  const sink = o.server ? new HttpApiSink(o.server.url, o.server.token) : print;
  const onEvent = (e: AudioEvent) => {
    if (e.type === 'stt-failed' || e.type === 'stt-pending') console.error(`radar transcribe: ${e.type} ${e.utteranceId}: ${e.error}`);
  };
  const r = await transcribeFile(file, { sink, stt, customerChannel: o.customerChannel, monoSpeaker: o.monoSpeaker, pending, onEvent, onProgress: progressBar(file) });
  return { ...r, lines: print.lines.sort((a, b) => a.startMs - b.startMs) };
}

function report(file: string, r: FileResult & { lines: UtteranceIn[] }, o: Options): void {
  if (o.server) return console.log(`${file}: posted call ${r.callId} (${(r.durationMs / 1000).toFixed(1)} s)`);
  if (o.json) return console.log(JSON.stringify({ file, callId: r.callId, durationMs: r.durationMs, utterances: r.lines }));
  console.log(`# ${file} (${(r.durationMs / 1000).toFixed(1)} s)`);
  for (const u of r.lines) console.log(`${(u.startMs / 1000).toFixed(2).padStart(7)}s  ${u.speaker === 'customer' ? '고객' : '상담'}  ${u.text}`);
}

async function watch(dir: string, o: Options, stt: SttEngine, pending: PendingStore | null): Promise<never> {
  const done = path.join(dir, 'done');
  const failed = path.join(dir, 'failed');
  await mkdir(done, { recursive: true });
  await mkdir(failed, { recursive: true });
  const sizes = new Map<string, number>();
  console.error(`radar transcribe: watching ${dir} (processed files go to done/, unreadable ones to failed/)`);
  for (;;) {
    for (const name of await readdir(dir)) {
      if (!AUDIO_EXTENSIONS.has(path.extname(name).toLowerCase())) continue;
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) continue;
      // A recorder may still be writing: wait until the size holds for one poll.
      if (sizes.get(name) !== st.size) {
        sizes.set(name, st.size);
        continue;
      }
      sizes.delete(name);
      try {
        report(file, await processFile(file, o, stt, pending), o);
        await rename(file, path.join(done, name));
      } catch (err) {
        console.error(`radar transcribe: ${name}: ${(err as Error).message}`);
        await rename(file, path.join(failed, name)).catch(() => {});
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const transcribe: Command = {
  name: 'transcribe',
  summary: 'transcribe recorded calls (WAV/MP3/M4A/FLAC), print them or post them to a Radar server',
  usage:
    'radar transcribe FILE... [--json] [--customer-channel 0|1] [--mono-speaker customer|agent] [--server URL --token TOKEN]\n' +
    '       radar transcribe --watch DIR [--server URL --token TOKEN]\n' +
    'STT engine from RADAR_STT_ENGINE (sherpa|http|none) and its RADAR_STT_* settings; see docs/audio.md.',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'customer-channel': { type: 'string', default: '0' },
        'mono-speaker': { type: 'string', default: 'customer' },
        server: { type: 'string' },
        token: { type: 'string' },
        watch: { type: 'string' },
      },
    });
    if (values['customer-channel'] !== '0' && values['customer-channel'] !== '1') throw new UsageError('--customer-channel is 0 or 1');
    if (values['mono-speaker'] !== 'customer' && values['mono-speaker'] !== 'agent') throw new UsageError('--mono-speaker is customer or agent');
    if (values.server && !values.token) throw new UsageError('--server needs --token (a Radar API token)');
    if (!values.watch && positionals.length === 0) throw new UsageError('give audio files or --watch DIR');
    if (values.watch && !existsSync(values.watch)) throw new UsageError(`--watch folder ${values.watch} does not exist`);
    const o: Options = {
      json: !!values.json,
      customerChannel: values['customer-channel'] === '1' ? 1 : 0,
      monoSpeaker: values['mono-speaker'] as Speaker,
      server: values.server ? { url: values.server, token: values.token! } : null,
    };
    const stt = createSttEngine(loadSttConfig());
    if (!stt.transcribes) console.error('radar transcribe: RADAR_STT_ENGINE=none — only segmentation runs; set sherpa or http for text');
    // Failed segments are kept locally and retried later (only useful with a server to post to).
    const pending = o.server && stt.transcribes ? new PendingStore({ dir: path.join(loadConfig().dataDir, 'audio-pending'), stt, sink: new HttpApiSink(o.server.url, o.server.token) }) : null;
    if (values.watch) {
      pending?.start();
      await watch(values.watch, o, stt, pending);
    }
    let failures = 0;
    for (const file of positionals) {
      try {
        report(file, await processFile(file, o, stt, pending), o);
      } catch (err) {
        failures++;
        console.error(`radar transcribe: ${file}: ${(err as Error).message}`);
      }
    }
    return failures ? 1 : 0;
  },
};

export default transcribe;
