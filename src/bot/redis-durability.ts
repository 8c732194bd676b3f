/**
 * Checks that Redis will keep acknowledged answers: append-only persistence on, and no
 * eviction (a full Redis must refuse writes, never drop sessions or queue jobs).
 */
import type { Redis } from "ioredis";

export interface DurabilityReport {
  problems: string[];
}

export async function checkRedisDurability(redis: Redis): Promise<DurabilityReport> {
  const problems: string[] = [];
  try {
    const [, appendonly] = (await redis.config("GET", "appendonly")) as [string, string];
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
    if (appendonly !== "yes") problems.push(`appendonly is "${appendonly}", set it to "yes" (appendfsync everysec or always)`);
    if (policy !== "noeviction") problems.push(`maxmemory-policy is "${policy}", set it to "noeviction"`);
  } catch (error) {
    // Managed Redis services often disable CONFIG; say so rather than guess.
    problems.push(`could not read Redis settings (${error instanceof Error ? error.message : String(error)}); make sure persistence is on and eviction off`);
  }
  return { problems };
}
