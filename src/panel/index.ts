// 고객 패널 (online customer panel): members with consent, stratified survey
// campaigns, token invitations and answers that become 고객 평가 responses.
// docs/panel.md.
export * from './model.js';
export * from './sample.js';
export * from './service.js';
export { runCampaignSchedule, type ScheduleMove, type ScheduleSkip } from './schedule.js';
export { MEMBER_COLUMNS, MEMBER_REQUIRED } from './files.js';
export { campaignWorkbook } from './xlsx.js';
