import type { Hit, Severity, Speaker, Utterance } from '../core/types.js';
import type { CallContext, CallDetector, DetectionEngine } from './types.js';

// Interim exact-keyword engine so the pipeline can run end to end; the Korean
// engine (normalisation, automaton, jamo fuzzy matching, context) replaces it.

export interface KeywordRule {
  id: string;
  category: string;
  severity: Severity;
  terms: string[];
  speakers?: Speaker[];
}

export function createKeywordEngine(rules: KeywordRule[], version = 1): DetectionEngine {
  return {
    version,
    ruleCount: rules.length,
    openCall(_ctx: CallContext): CallDetector {
      return {
        push(u: Utterance): Hit[] {
          const hits: Hit[] = [];
          for (const r of rules) {
            if (!(r.speakers ?? ['customer']).includes(u.speaker)) continue;
            for (const t of r.terms) {
              const at = u.text.indexOf(t);
              if (at < 0) continue;
              hits.push({
                ruleId: r.id, ruleSetVersion: version, category: r.category, severity: r.severity,
                utteranceId: u.id, speaker: u.speaker, start: at, end: at + t.length,
                match: t, term: t, negated: false, provisional: !u.final, distance: 0,
                startMs: u.startMs, explanation: `"${t}" (${r.id})`,
              });
              break;
            }
          }
          return hits;
        },
        close() {},
      };
    },
  };
}
