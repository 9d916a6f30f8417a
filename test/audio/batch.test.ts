import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcribeFile } from '../../src/audio/batch.js';
import { HttpApiSink } from '../../src/audio/http-sink.js';
import { ChecksumError, installArchive, sha256File, type ModelSpec } from '../../src/audio/models.js';
import { createHttpEngine } from '../../src/audio/stt/http.js';
import { fixtureAnswer, loadCallFixture, MemorySink, startSttDouble, type SttDouble } from './helpers.js';

const fixture = loadCallFixture();
const tmp = mkdtempSync(path.join(tmpdir(), 'radar-batch-'));
const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('batch transcription of recorded calls', () => {
  let double: SttDouble;
  beforeAll(async () => {
    double = await startSttDouble(fixtureAnswer(fixture));
  });
  afterAll(() => double.close());

  it('reads a μ-law WAV directly and reports progress', async () => {
    const sink = new MemorySink();
    const progress: number[] = [];
    const r = await transcribeFile(fixture.path, { sink, stt: createHttpEngine({ url: double.url, model: 'm' }), onProgress: (f) => progress.push(f) });
    expect(r).toMatchObject({ callId: 'call-ko-8k-ulaw-stereo', channels: 2 });
    expect(Math.abs(r.durationMs - fixture.manifest.durationMs)).toBeLessThan(5);
    expect(sink.finals().map((u) => u.text).sort()).toEqual(fixture.manifest.utterances.map((u) => u.text).sort());
    expect(progress.at(-1)).toBe(1);
    expect(sink.calls.get('call-ko-8k-ulaw-stereo')).toMatchObject({ source: 'batch', ended: true });
  });

  it.skipIf(!hasFfmpeg)('decodes other formats through ffmpeg; --customer-channel swaps speakers', async () => {
    const flac = path.join(tmp, 'swapped.flac');
    // Swap the channels so the customer is on channel 1.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', fixture.path, '-af', 'pan=stereo|c0=c1|c1=c0', flac]);
    const sink = new MemorySink();
    // The double answers by speaker and segment index; the speakers must come out right.
    await transcribeFile(flac, { sink, stt: createHttpEngine({ url: double.url, model: 'm' }), customerChannel: 1 });
    const got = sink.finals().sort((a, b) => a.startMs - b.startMs);
    expect(got.map((u) => [u.speaker, u.text])).toEqual(fixture.manifest.utterances.map((u) => [u.speaker, u.text]));
    got.forEach((u, i) => expect(Math.abs(u.startMs - fixture.manifest.utterances[i].startMs)).toBeLessThanOrEqual(150));
  });
});

describe('HttpApiSink posts to the Radar HTTP API', () => {
  it('creates the call, posts utterances and ends it, retrying a 503', async () => {
    const seen: Array<{ url: string; body: any; auth?: string }> = [];
    let failOnce = true;
    const api = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        seen.push({ url: req.url!, body: JSON.parse(b), auth: req.headers.authorization });
        if (req.url!.endsWith('/utterances') && failOnce) {
          failOnce = false;
          return res.writeHead(503).end();
        }
        if (req.url === '/api/calls') return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: JSON.parse(b).id }));
        res.writeHead(req.url!.endsWith('/end') ? 200 : 202).end('{}');
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const sink = new HttpApiSink(`http://127.0.0.1:${(api.address() as AddressInfo).port}`, 'tok');
    expect(await sink.startCall({ id: 'c 1', source: 'batch', metadata: { file: 'a.wav' } })).toEqual({ id: 'c 1', created: true });
    expect(await sink.addUtterance({ id: 'c 1:customer:0', callId: 'c 1', speaker: 'customer', startMs: 1, endMs: 2, text: '안녕', final: true })).toEqual({ accepted: true });
    await sink.endCall('c 1');
    api.close();
    expect(seen.map((s) => s.url)).toEqual(['/api/calls', '/api/calls/c%201/utterances', '/api/calls/c%201/utterances', '/api/calls/c%201/end']);
    expect(seen[0].body).toMatchObject({ id: 'c 1', metadata: { source: 'batch', file: 'a.wav' } });
    expect(seen[1].body).toEqual({ id: 'c 1:customer:0', speaker: 'customer', startMs: 1, endMs: 2, text: '안녕', final: true });
    expect(seen[0].auth).toBe('Bearer tok');
  });
});

describe('model archives', () => {
  it('installs a verified .tar.bz2 and refuses a checksum mismatch', async () => {
    const src = path.join(tmp, 'src', 'fake-model');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'tokens.txt'), 'a 0\n');
    const archive = path.join(tmp, 'fake-model.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', path.join(tmp, 'src'), 'fake-model']);
    const sha = await sha256File(archive);
    const spec: ModelSpec = { name: 'fake', description: '', url: 'http://invalid/fake-model.tar.bz2', folder: 'fake-model', sha256: sha };
    const r = await installArchive(spec, archive, path.join(tmp, 'models'));
    expect(readFileSync(path.join(r.dir, 'tokens.txt'), 'utf8')).toBe('a 0\n');
    await expect(installArchive({ ...spec, sha256: '0'.repeat(64) }, archive, path.join(tmp, 'models2'))).rejects.toBeInstanceOf(ChecksumError);
  });
});
