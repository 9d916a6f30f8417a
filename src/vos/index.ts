// Voice of customer board (고객의 소리): posts from the website/app, moderation,
// risk flags from the live rule set, recurring topics, links to cases. docs/vos.md.
export * from './model.js';
export { analysePost, detectRisk, detectTopics, type Analysis } from './analyse.js';
export { periodOf, summarizeTopics, isRising, kstDay, RISING_MIN, RISING_RATIO, type Period, type TopicSummary, type TopicFigures, type CountRow } from './topics.js';
export { createPost, transitionPost, answerPost, hidePost, postToCase, getPostDetail, postEventPayload, caseDescription, VOS_EVENT_TYPES, type PostChange, type ToCaseInput } from './service.js';
export { vosColumns } from './export.js';
