// Pinned STT model archives for `radar models pull`. Weights are not on npm or
// in Debian; on-premises sites with no route to GitHub copy the archive by
// hand and install it with --file.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, RadarError, unavailable } from '../core/errors.js';

export interface ModelSpec {
  name: string;
  description: string;
  url: string;
  /** Folder the archive unpacks to. */
  folder: string;
  /**
   * SHA-256 of the archive. Taken from a public third-party catalogue of
   * sherpa-onnx release archives; not re-computed here (no network). A
   * mismatch fails the install and prints the computed value.
   */
  sha256: string;
}

export const MODELS: Record<string, ModelSpec> = {
  'ko-streaming-zipformer': {
    name: 'ko-streaming-zipformer',
    description: 'k2-fsa Korean streaming zipformer transducer (sherpa-onnx, 2024-06-16)',
    url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/sherpa-onnx-streaming-zipformer-korean-2024-06-16.tar.bz2',
    folder: 'sherpa-onnx-streaming-zipformer-korean-2024-06-16',
    sha256: 'e346a5882a409650472be17326237e24df7bf409db6b4a8a52e1a61422bf2500',
  },
};

export class ChecksumError extends RadarError {
  constructor(readonly expected: string, readonly actual: string) {
    super(422, 'checksum_mismatch', `archive SHA-256 ${actual} does not match the pinned ${expected}`);
  }
}

/** Downloads to `dest`, hashing on the way; fails fast when the host is unreachable. */
export async function download(url: string, dest: string, onProgress?: (done: number, total: number | null) => void): Promise<string> {
  const ac = new AbortController();
  const connectTimer = setTimeout(() => ac.abort(new Error('no response within 20 s')), 20_000);
  let res: Response;
  try {
    res = await fetch(url, { signal: ac.signal, redirect: 'follow' });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw unavailable('download_failed', `could not reach ${new URL(url).host} (${cause})`);
  } finally {
    clearTimeout(connectTimer);
  }
  if (!res.ok || !res.body) throw unavailable('download_failed', `GET ${url} answered ${res.status}`);
  const total = Number(res.headers.get('content-length')) || null;
  const hash = createHash('sha256');
  let done = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      done += chunk.length;
      onProgress?.(done, total);
      cb(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), meter, createWriteStream(dest));
  return hash.digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Unpacks a .tar.bz2 with the system tar (bzip2 support is standard in Debian's tar). */
export function untar(archive: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('tar', ['-xjf', archive, '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => reject(unavailable('tar_missing', `tar could not run: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(badRequest('archive_invalid', `tar failed: ${err.trim()}`))));
  });
}

export interface InstallResult {
  dir: string;
  sha256: string;
  verified: boolean;
}

/** Verifies and unpacks an archive (downloaded or copied by hand) into `baseDir`. */
export async function installArchive(spec: ModelSpec, archive: string, baseDir: string, actual?: string, expected = spec.sha256): Promise<InstallResult> {
  const sha256 = actual ?? (await sha256File(archive));
  if (expected && sha256 !== expected) throw new ChecksumError(expected, sha256);
  await mkdir(baseDir, { recursive: true });
  await untar(archive, baseDir);
  return { dir: path.join(baseDir, spec.folder), sha256, verified: !!expected };
}

export async function pullModel(spec: ModelSpec, baseDir: string, o: { expected?: string; onProgress?: (done: number, total: number | null) => void } = {}): Promise<InstallResult> {
  await mkdir(baseDir, { recursive: true });
  const part = path.join(baseDir, `${spec.folder}.tar.bz2.part`);
  try {
    const sha = await download(spec.url, part, o.onProgress);
    const archive = part.replace(/\.part$/, '');
    await rename(part, archive);
    return await installArchive(spec, archive, baseDir, sha, o.expected ?? spec.sha256);
  } finally {
    await rm(part, { force: true });
  }
}
