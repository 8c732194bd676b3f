/** Small HTTP helpers for tests that watch a running bot from outside, as a monitor would. */

export interface Observed {
  /** The HTTP status, or "no answer" when the request failed or took longer than a monitor waits. */
  status: number | "no answer";
  body: string;
}

export async function get(port: number, path: string, timeoutMs = 3_000): Promise<Observed> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: "no answer", body: "" };
  }
}

/**
 * Polls until `accept` holds and returns the accepted observation, or throws with every
 * observation seen, so a failure shows how the endpoint behaved over time.
 */
export async function pollUntil(port: number, path: string, accept: (o: Observed) => boolean, options: { withinMs: number; everyMs?: number }): Promise<Observed> {
  const deadline = Date.now() + options.withinMs;
  const seen: string[] = [];
  for (;;) {
    const observed = await get(port, path);
    if (accept(observed)) return observed;
    seen.push(`${observed.status} ${observed.body}`.trim());
    if (Date.now() > deadline) throw new Error(`GET ${path} did not reach the expected state within ${options.withinMs} ms; saw:\n${seen.join("\n")}`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
  }
}
