// Complaint statistics (민원 통계): standardised complaint records, converted
// counts per 100,000 customers, year-on-year change, peer comparison and
// monitoring volume. docs/statistics.md.
export { TAXONOMY, DIMENSIONS, resolveTerm, isTerm, termLabel, type Dimension, type Term } from './taxonomy.js';
export { parsePeriod, samePeriodLastYear, customerBaseKeys, currentPeriodId, isPeriodId, localDay, BASE_PERIOD_RE, type Period, type PeriodKind, type Granularity } from './periods.js';
export { convertedCount, change, changePercent, formatChangePercent, PER_CUSTOMERS } from './formulas.js';
export { summarize, breakdown, trend, cumulativeByQuarter, compared, BREAKDOWN_DIMENSIONS, type Summary, type Scope, type DimensionCount, type DayCount, type TrendPoint, type BreakdownItem } from './compute.js';
export { rankPeers, rankOn, rankedCounts, parsePercent, PEER_MEASURES, type PeerFigure, type RankedPeer, type PeerMeasure } from './peers.js';
export { parseFile, parseCsv, parseJson, parseXlsx, csvRecords, formatOf, IMPORT_FORMATS, MAX_ROWS, type ImportFormat, type Table } from './parse.js';
export { validateTable, mapHeaders, complaintRow, peerRow, customerRow, parseDate, COLUMNS, IMPORT_KINDS, type ImportKind, type RowError, type ComplaintRecordInput, type PeerInput, type CustomerBaseInput } from './rows.js';
export { startImport, view, ImportTracker, CHUNK_ROWS, MAX_REPORTED_ERRORS, type ImportRequest, type ImportView, type Progress } from './import.js';
export { periodSummary, trendFor, peerComparison, monitoringVolume, type TrendResult, type PeerComparison, type MonitoringMonth } from './service.js';
export { statisticsWorkbook } from './xlsx.js';
