import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadarError } from '../../src/core/errors.js';
import { compileRuleSet, createDefaultEngine, loadDefaultRuleSet, parseRuleSetText } from '../../src/detect/index.js';
import { normalize } from '../../src/detect/normalize.js';
import { parseClientMessage, ProtocolError } from '../../src/ingest/audiohook/protocol.js';
import { redact } from '../../src/privacy/redact.js';

// Property-based fuzzing of everything that parses outside input: no crash, no
// hang, and failures only as the documented typed errors.

const RUNS = Number(process.env.RADAR_FUZZ_RUNS ?? 300);
// A fixed seed keeps CI repeatable; RADAR_FUZZ_SEED=random explores (fast-check prints the seed of a failure).
const SEED = process.env.RADAR_FUZZ_SEED === 'random' ? undefined : Number(process.env.RADAR_FUZZ_SEED ?? 20261125);

// Text that looks like what reaches us: Korean syllables and jamo, Latin,
// digits, punctuation, spaces, emoji, and the odd control character.
const koreanish = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0xac00, max: 0xd7a3 }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x3131, max: 0x318e }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(' ', '.', ',', '?', '!', '-', '~', '\n', '\t', '…', '"', '(', ')'),
    fc.constantFrom('금', '감', '원', '민', '원', '소', '송', '기', '자', '없', '아', '니'),
    fc.string({ minLength: 1, maxLength: 1 }),
    fc.constantFrom('😡', '\u0000', '\u200b', 'ᄀ', 'ᅡ', 'Ａ', '①'),
  ),
  maxLength: 300,
});

describe('fuzz: Korean normaliser', () => {
  it('never throws and maps every normalised character back inside the original', () => {
    fc.assert(fc.property(koreanish, (text) => {
      const t = normalize(text);
      expect(t.n).toBeLessThanOrEqual(text.length * 4);
      for (let i = 0; i < t.n; i++) {
        expect(t.origStart[i]).toBeGreaterThanOrEqual(0);
        expect(t.origEnd[i]).toBeLessThanOrEqual(text.length);
        expect(t.origStart[i]).toBeLessThanOrEqual(t.origEnd[i]);
        if (i > 0) expect(t.origStart[i]).toBeGreaterThanOrEqual(t.origStart[i - 1]);
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe('fuzz: detection engine', () => {
  const engine = createDefaultEngine();
  it('returns hits whose spans are inside the text and whose match is that span', () => {
    fc.assert(fc.property(fc.array(koreanish, { minLength: 1, maxLength: 5 }), fc.constantFrom('customer', 'agent'), (texts, speaker) => {
      const d = engine.openCall({ callId: 'fuzz' });
      texts.forEach((text, i) => {
        for (const h of d.push({ id: `u${i}`, callId: 'fuzz', speaker: speaker as 'customer', startMs: i * 1000, endMs: i * 1000 + 900, text, final: true })) {
          if (h.utteranceId !== `u${i}`) continue; // a split phrase may point into the previous line
          expect(h.start).toBeGreaterThanOrEqual(0);
          expect(h.end).toBeLessThanOrEqual(text.length);
          // A phrase split across two lines is reported on the second one: its
          // span starts at 0 there and `match` carries the whole phrase.
          const span = text.slice(h.start, h.end);
          if (span !== h.match) {
            expect(h.start).toBe(0);
            expect(h.match.endsWith(span)).toBe(true);
          }
        }
      });
      d.close();
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe('fuzz: personal-data redaction', () => {
  it('never throws; spans point at placeholders in the redacted text', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', ' ', '@', '.', 'a'), maxLength: 40 });
    fc.assert(fc.property(fc.tuple(koreanish, digits, koreanish), ([a, b, c]) => {
      const text = a + b + c;
      const r = redact(text);
      for (const s of r.redactions) {
        expect(r.text.slice(s.start, s.end)).toMatch(/^\[.+\]$/);
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe('fuzz: rule-set parser and compiler', () => {
  const base = loadDefaultRuleSet() as unknown as Record<string, unknown>;
  it('arbitrary text: parses or fails with a RadarError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('yaml', 'json') as fc.Arbitrary<'yaml' | 'json'>, (text, format) => {
      try {
        compileRuleSet(parseRuleSetText(text, format));
      } catch (err) {
        expect(err).toBeInstanceOf(RadarError);
        expect((err as RadarError).status).toBe(400);
      }
    }), { numRuns: RUNS, seed: SEED });
  });

  it('mutated real rule sets: compile or fail with invalid_rule_set, never crash', () => {
    const mutation = fc.record({
      path: fc.constantFrom('rules', 'version', 'negation', 'defaults', 'cues', 'name'),
      value: fc.anything({ maxDepth: 3, maxKeys: 4 }),
    });
    fc.assert(fc.property(fc.array(mutation, { maxLength: 3 }), fc.nat(40), fc.anything({ maxDepth: 2 }), (mutations, ruleIndex, ruleValue) => {
      const doc = structuredClone(base) as Record<string, any>;
      for (const m of mutations) doc[m.path] = m.value;
      if (Array.isArray(doc.rules) && doc.rules.length > 0) doc.rules[ruleIndex % doc.rules.length] = ruleValue;
      try {
        compileRuleSet(doc);
      } catch (err) {
        expect(err).toBeInstanceOf(RadarError);
        expect((err as RadarError).code).toBe('invalid_rule_set');
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe('fuzz: AudioHook message parser', () => {
  const valid = { version: '2', id: '4c4c4c4c-0000-4000-8000-000000000000', type: 'ping', seq: 1, serverseq: 0, position: 'PT0S', parameters: {} };
  it('arbitrary text: a message or a ProtocolError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json()), (text) => {
      try {
        parseClientMessage(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
    }), { numRuns: RUNS, seed: SEED });
  });
  it('valid messages with fields replaced by anything: a message or a ProtocolError', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(valid)), fc.anything(), (key, value) => {
      try {
        parseClientMessage(JSON.stringify({ ...valid, [key]: value }));
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
    }), { numRuns: RUNS, seed: SEED });
  });
  it('a field that is an object with a "toString" key is refused, not a TypeError (found at 10,000 runs)', () => {
    const crafted = JSON.stringify({ ...valid, version: { toString: [] } });
    expect(() => parseClientMessage(crafted)).toThrow(ProtocolError);
    expect(() => parseClientMessage(crafted)).toThrow(/unsupported protocol version \{"toString":\[\]\}/);
  });
});
