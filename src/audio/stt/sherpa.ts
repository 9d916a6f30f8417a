// Local, on-premises STT: sherpa-onnx's OnlineRecognizer with a streaming
// transducer (e.g. the k2-fsa Korean streaming zipformer, `radar models pull
// ko-streaming-zipformer`). Each VAD segment is fed in 100 ms chunks; the text
// after each decoded chunk is reported as a partial, the text after the input
// is finished is the final.
//
// Decoding runs on the calling thread; we yield to the event loop between
// chunks so WebSocket traffic keeps flowing. A worker-thread pool is the next
// step when one core no longer keeps up (see docs/audio.md).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../../core/errors.js';
import { sherpa, type SherpaOnlineRecognizer } from '../sherpa.js';
import { SttError, type SttEngine } from './engine.js';

export interface SherpaSttOptions {
  modelDir: string;
  numThreads?: number;
  /** Prefer *.int8.onnx files when both exist (faster, slightly less accurate). */
  preferInt8?: boolean;
}

const CHUNK = 1600; // 100 ms at 16 kHz
/** Streaming models need right context; trailing silence lets the last word out. */
const TAIL_PADDING = new Float32Array(16000 * 0.4);

/** Finds encoder/decoder/joiner/tokens in a k2-fsa model folder. */
export function findTransducerFiles(dir: string, preferInt8 = true) {
  if (!existsSync(dir)) throw badRequest('stt_model_missing', `model folder ${dir} does not exist; run 'radar models pull ko-streaming-zipformer'`);
  const files = readdirSync(dir);
  const pick = (part: string) => {
    const all = files.filter((f) => f.startsWith(part) && f.endsWith('.onnx'));
    const int8 = all.filter((f) => f.includes('int8'));
    const plain = all.filter((f) => !f.includes('int8'));
    const chosen = (preferInt8 ? [...int8, ...plain] : [...plain, ...int8])[0];
    if (!chosen) throw badRequest('stt_model_missing', `no ${part}*.onnx in ${dir}`);
    return path.join(dir, chosen);
  };
  const tokens = path.join(dir, 'tokens.txt');
  if (!existsSync(tokens)) throw badRequest('stt_model_missing', `no tokens.txt in ${dir}`);
  return { encoder: pick('encoder'), decoder: pick('decoder'), joiner: pick('joiner'), tokens };
}

export function createSherpaEngine(o: SherpaSttOptions): SttEngine {
  const files = findTransducerFiles(o.modelDir, o.preferInt8 ?? true);
  const recognizer: SherpaOnlineRecognizer = new (sherpa().OnlineRecognizer)({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      transducer: { encoder: files.encoder, decoder: files.decoder, joiner: files.joiner },
      tokens: files.tokens,
      numThreads: o.numThreads ?? 1,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
    maxActivePaths: 4,
    // VAD already cut the segment; the recognizer's own endpointing would split it again.
    enableEndpoint: 0,
  });

  return {
    name: 'sherpa',
    transcribes: true,
    async transcribe(req, onPartial) {
      try {
        const stream = recognizer.createStream();
        let last = '';
        for (let i = 0; i < req.samples.length; i += CHUNK) {
          stream.acceptWaveform({ samples: req.samples.subarray(i, i + CHUNK), sampleRate: 16000 });
          while (recognizer.isReady(stream)) recognizer.decode(stream);
          const text = recognizer.getResult(stream).text.trim();
          if (text && text !== last) onPartial?.((last = text));
          await new Promise((r) => setImmediate(r));
        }
        stream.acceptWaveform({ samples: TAIL_PADDING, sampleRate: 16000 });
        stream.inputFinished();
        while (recognizer.isReady(stream)) recognizer.decode(stream);
        return recognizer.getResult(stream).text.trim();
      } catch (err) {
        throw new SttError(`sherpa-onnx decode failed: ${(err as Error).message}`, false);
      }
    },
    async close() {},
  };
}
