// Sample-rate conversion to the 16 kHz that Silero VAD and the Korean STT
// models expect.
//
// We use sherpa-onnx's LinearResampler (exposed by the Node binding). Despite
// the name it is Kaldi's "LinearResample": a Hann-windowed sinc low-pass
// interpolator (linear as in a linear filter, not linear interpolation).
// Measured here for 8→16 kHz (test/audio/resample.test.ts): a 1 kHz tone keeps
// its amplitude and its 7 kHz image sits ~80 dB down; at 3.4 kHz (the top of
// the telephone band) the image is ~20 dB down, which is above what G.711 audio
// carries anyway. It costs ~8 µs per 20 ms frame. Output is time-aligned with
// the input (an input impulse at n comes out at 2n); the filter holds a few
// samples back until the next chunk or flush().

import { sherpa, type SherpaLinearResampler } from './sherpa.js';

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  push(samples: Float32Array): Float32Array;
  /** Emits the samples the filter still holds; call at end of stream. */
  flush(): Float32Array;
}

class PassThrough implements Resampler {
  constructor(readonly inputRate: number) {}
  get outputRate() {
    return this.inputRate;
  }
  push(samples: Float32Array) {
    return samples;
  }
  flush() {
    return new Float32Array(0);
  }
}

class SherpaResampler implements Resampler {
  private readonly r: SherpaLinearResampler;
  constructor(readonly inputRate: number, readonly outputRate: number) {
    this.r = new (sherpa().LinearResampler)(inputRate, outputRate);
  }
  push(samples: Float32Array) {
    return this.r.resample(samples);
  }
  flush() {
    return this.r.flush(new Float32Array(0));
  }
}

export function createResampler(inputRate: number, outputRate = 16000): Resampler {
  return inputRate === outputRate ? new PassThrough(inputRate) : new SherpaResampler(inputRate, outputRate);
}
