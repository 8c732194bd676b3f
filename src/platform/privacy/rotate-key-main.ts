/** `npm run rotate-key`: re-seals stored data with the first key of DATA_KEY; logs counts only. */
import { Redis } from "ioredis";
import { ConfigError, DEFAULT_REDIS_URL, loadConfig } from "../config.ts";
import { AesGcmCodec, dataKeysFrom } from "./data-codec.ts";
import { rotateDataKey } from "./rotate-key.ts";

try {
  const config = loadConfig();
  const keys = dataKeysFrom(config);
  if (!keys) throw new ConfigError(["DATA_KEY: set it to the new key first, then the old ones, e.g. DATA_KEY=k2:<new>,k1:<old>"]);
  const redis = new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL);
  const report = await rotateDataKey(redis, config.REDIS_PREFIX, new AesGcmCodec(keys));
  process.stdout.write(`Re-sealed with key "${keys[0]!.id}": ${report.sessions} sessions, ${report.records} records; ${report.unreadable} unreadable (left as they were).\n`);
  await redis.quit();
  if (report.unreadable > 0) process.exitCode = 2;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
