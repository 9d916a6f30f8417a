export type { Bus, LiveEvent, LiveHandler } from './types.js';
export { createLocalBus } from './local-bus.js';
