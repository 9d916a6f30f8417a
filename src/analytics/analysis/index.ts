// Combined analysis (통합 분석): consultation, sales, marketing and platform
// datasets imported with a column mapping and joined with complaints by
// customer, product and period. docs/analysis.md.
export { KINDS, DATASET_KINDS, isKind, suggestMapping, checkMapping, type DatasetKind, type KindDef, type FieldDef, type Mapping } from './kinds.js';
export { parseDateTime, rowHash, datasetRow, validateRows, type DatasetRowInput } from './validate.js';
export { ratePer, twoProportion, normalCdf, perDay, type TwoProportion } from './formulas.js';
export { previewFile, startDatasetImport, view, ImportTracker, type DatasetImportView, type Preview } from './import.js';
export { rates, rateAnalysis, campaignEffect, marketingAnalysis, eventWindow, platformAnalysis, PER_CONSULTATIONS, PER_SALES, type RateResult, type CampaignEffect, type PlatformEvent } from './service.js';
export { analysisWorkbook } from './xlsx.js';
