export type { CallContext, CallDetector, DetectionEngine, PriorContact } from './types.js';
import { createKeywordEngine } from './keyword-engine.js';
import type { DetectionEngine } from './types.js';

/** The engine built from the bundled default Korean dictionary. */
export function createDefaultEngine(): DetectionEngine {
  return createKeywordEngine([
    { id: 'external_authority.fss', category: 'external_authority', severity: 5, terms: ['금융감독원', '금감원'] },
    { id: 'media.press', category: 'media', severity: 4, terms: ['언론사', '기자'] },
    { id: 'legal.lawsuit', category: 'legal', severity: 4, terms: ['소송', '고소'] },
  ]);
}
