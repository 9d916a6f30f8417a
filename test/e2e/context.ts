import type { Page } from 'playwright-core';

/** What run.ts hands to the step modules of test/e2e/steps (one per console screen family). */
export interface E2eContext {
  /** The signed-in browser page (the administrator when the step modules run). */
  page: Page;
  /** The server's base URL. */
  url: string;
  /** Calls the API with the administrator token; throws on a non-2xx answer. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<any>;
  /** Runs one named step; a failure is recorded (with a screenshot) and the run goes on. */
  step(name: string, fn: () => Promise<void>): Promise<void>;
  /** Saves a screenshot as test-results/e2e/<name>.png. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<unknown>;
  /** test-results/e2e (downloads may be saved there). */
  outDir: string;
}
