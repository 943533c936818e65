// Exponential back-off with jitter: attempt n waits base * 2^(n-1), capped, then scaled by a
// random factor in [0.5, 1) so that many channels coming back at once do not retry in step.

export interface BackoffPolicy {
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/** Milliseconds to wait after failed attempt `attempt` (1-based). `random` returns [0, 1). */
export function retryDelayMs(p: BackoffPolicy, attempt: number, random: () => number): number {
  const exp = p.baseDelaySeconds * 2 ** Math.min(Math.max(0, attempt - 1), 30);
  const capped = Math.min(p.maxDelaySeconds, exp);
  return Math.round(capped * 1000 * (0.5 + random() / 2));
}
