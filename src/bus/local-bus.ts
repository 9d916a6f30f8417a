import type { Bus, LiveEvent, LiveHandler } from './types.js';

/** In-process fan-out: the default when no NATS_URL is configured. */
export function createLocalBus(): Bus {
  const handlers = new Set<LiveHandler>();
  return {
    publish(e: LiveEvent) {
      for (const h of handlers) {
        try {
          h(e);
        } catch {
          // One broken subscriber must not stop delivery to the others.
        }
      }
    },
    subscribe(fn) {
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
    health: () => 'ok',
    async close() {
      handlers.clear();
    },
  };
}
