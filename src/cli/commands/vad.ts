import { parseArgs } from 'node:util';
import { transcribeFile } from '../../audio/batch.js';
import type { AudioEvent } from '../../audio/events.js';
import { noneEngine } from '../../audio/stt/engine.js';
import type { IngestSink } from '../../ingest/sink.js';
import { UsageError, type Command } from '../command.js';

/** A sink that accepts everything and keeps nothing: `radar vad` only wants segments. */
const nullSink: IngestSink = { startCall: async (c) => ({ id: c.id ?? 'file', created: true }), addUtterance: async () => ({ accepted: true }), endCall: async () => {} };

const vad: Command = {
  name: 'vad',
  summary: 'print the speech segments (per channel) of recorded calls',
  usage: 'radar vad FILE... [--json] [--customer-channel 0|1] [--mono-speaker customer|agent]',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'customer-channel': { type: 'string', default: '0' }, 'mono-speaker': { type: 'string', default: 'customer' } } });
    if (positionals.length === 0) throw new UsageError('give at least one audio file');
    const customerChannel = values['customer-channel'] === '1' ? 1 : 0;
    const monoSpeaker = values['mono-speaker'] === 'agent' ? 'agent' : 'customer';
    const results = [];
    for (const file of positionals) {
      const segments: Array<Extract<AudioEvent, { type: 'segment' }>> = [];
      const r = await transcribeFile(file, { sink: nullSink, stt: noneEngine, customerChannel, monoSpeaker, onEvent: (e) => e.type === 'segment' && segments.push(e) });
      segments.sort((a, b) => a.startMs - b.startMs);
      results.push({ file, durationMs: r.durationMs, channels: r.channels, segments: segments.map(({ speaker, index, startMs, endMs }) => ({ speaker, index, startMs, endMs })) });
    }
    if (values.json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
    else
      for (const r of results) {
        console.log(`${r.file}  (${(r.durationMs / 1000).toFixed(1)} s, ${r.channels} ch)`);
        for (const s of r.segments) console.log(`  ${fmt(s.startMs)}–${fmt(s.endMs)}  ${s.speaker}`);
      }
    return 0;
  },
};

const fmt = (ms: number) => `${Math.floor(ms / 60000)}:${((ms % 60000) / 1000).toFixed(2).padStart(5, '0')}`;

export default vad;
