export type { Bus, LiveEvent, LiveHandler } from './types.js';
export { createLocalBus } from './local-bus.js';
export { createNatsBus } from './nats-bus.js';
