// Retry timing: exponential backoff with full jitter — a uniformly random delay
// between 0 and min(cap, base·2^(attempt−1)) — so receivers coming back after an
// outage are not hit by every worker's retries at the same instant.

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  /** Attempts in all (the first included) before a delivery goes dead. */
  maxAttempts: number;
}

/** Delay before the next try after `attempts` failed attempts (≥ 1). */
export function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.floor(random() * ceiling);
}

/** What happens after a failed attempt: retry later, or give up. */
export function afterFailure(
  attempts: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): { dead: true } | { dead: false; delayMs: number } {
  if (attempts >= policy.maxAttempts) return { dead: true };
  const jittered = backoffDelay(attempts, policy, random);
  // A receiver that says when to come back is believed, within the cap.
  const delayMs = retryAfterMs === undefined ? jittered : Math.min(policy.capMs, Math.max(jittered, retryAfterMs));
  return { dead: false, delayMs };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
