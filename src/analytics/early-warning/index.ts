// Early warning (조기 경보): a sudden rise of an issue topic across all calls.
// Method and settings: docs/early-warning.md.
export { loadEarlyWarningConfig, checkEarlyWarningConfig, DEFAULT_EARLY_WARNING, type EarlyWarningConfig } from './config.js';
export { loadTopicSet, compileTopicSet, findMentions, type Topic, type TopicSet, type Mention } from './topics.js';
export { binomialUpperTail, spikeTest, type SpikeInput, type SpikeResult } from './statistic.js';
export { decide, binSeries, isSpike, isStillHigh, severityFor, windowStats, type Decision, type Thresholds, type TopicWindow, type ActiveWarning, type WindowStats } from './evaluate.js';
export { runEarlyWarning, startEarlyWarningJob, warningSummary, type EarlyWarningJob, type RunResult, type RunOptions } from './job.js';
export { acknowledge, warningDetail, seriesFor, type WarningDetail, type WarningSeries } from './service.js';
