// The daily briefing (일일 브리핑): figures of one local day, stored per day,
// printed as a PDF and announced through the outbox. docs/briefing.md.
export { loadBriefingConfig, type BriefingConfig } from './config.js';
export { computeBriefing } from './compute.js';
export { generateBriefing, checkDay, briefingEventPayload, BRIEFING_EVENT, type GenerateResult } from './generate.js';
export { createBriefingScheduler, dueDay, nextRunAt, type BriefingScheduler } from './scheduler.js';
export { renderBriefingPdf, BriefingFontMissing } from './pdf.js';
export { loadBriefing, briefingPdf, briefingXlsx, type BriefingFile } from './files.js';
export { dayOf, dayWindow, addDays, type Day } from './time.js';
export type * from './types.js';
