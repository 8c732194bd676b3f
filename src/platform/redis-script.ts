/**
 * A Lua script that Redis runs by its SHA1 (EVALSHA) once a connection has seen its text, so
 * the scripts every update runs cost their arguments on the wire, not their text. ioredis sends
 * the text again on a new connection and after NOSCRIPT (a restarted or flushed Redis), so the
 * script is always found. Calls go through auto-pipelining like any command.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export type RedisScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

export function redisScript(redis: Redis, lua: string): RedisScript {
  // Named by its text: the same script defined twice on a client is one command.
  const name = `script${createHash("sha1").update(lua).digest("hex")}`;
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (commands[name] === undefined) redis.defineCommand(name, { lua });
  const command = commands[name]!;
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
}
