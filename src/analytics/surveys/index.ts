// Consumer evaluation (고객 평가): CSAT, NPS and CES from survey responses,
// with intervals, breakdowns, series and outside benchmarks. docs/surveys.md.
export * from './indices.js';
export { checkEach, checkResponse, checkResponses, checkBenchmark, type Checked, LIMITS, PERIOD_RE, BENCHMARK_RANGE, type ResponseInput, type BenchmarkInput, type FieldError, type IndexedError } from './validate.js';
export { readRecords, formatOf, parseCsv, fileTime, RESPONSE_COLUMNS, BENCHMARK_COLUMNS, FILE_FORMATS, FILE_LIMITS, type FileFormat, type FileRecord } from './files.js';
export { buckets, periodWindow, comparisonWindow, checkWindow, GRANULARITIES, type Granularity, type CompareMode, type Window } from './periods.js';
export { ingestResponses, scrub, overview, breakdowns, series, benchmarkComparison, refuse, MAX_REPORTED_ERRORS, type IngestResult, type Overview, type Group, type SeriesPoint, type BenchmarkPeriod, type Filter } from './service.js';
export { surveyWorkbook } from './xlsx.js';
