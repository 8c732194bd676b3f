/**
 * Vitest global setup: marks this run, and after it fails the run if a process a test started
 * (a bot, a redis-server, a worker: anything carrying the marker in its environment) is still
 * running. Such a process would keep polling Telegram or holding a port long after `npm test`.
 * Leftovers are killed, so one failure does not leak into the next run.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { TEST_PROCESS_MARKER } from "./processes.ts";

interface Leftover {
  pid: number;
  command: string;
}

function markedProcesses(runId: string): Leftover[] {
  const wanted = `${TEST_PROCESS_MARKER}=${runId}`;
  const found: Leftover[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.includes(wanted)) continue;
      const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
      if (state === "Z") continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      // Vitest's own workers inherit the marker from this process; they are not leftovers.
      if (/vitest|tinypool/.test(command)) continue;
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export default function setup(): () => Promise<void> {
  const runId = randomBytes(6).toString("hex");
  process.env[TEST_PROCESS_MARKER] = runId;
  return async () => {
    if (process.platform !== "linux") return; // /proc is how we look; CI runs Linux
    let leftovers = markedProcesses(runId);
    // A process told to stop a moment ago may still be on its way out.
    for (let i = 0; i < 20 && leftovers.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      leftovers = markedProcesses(runId);
    }
    if (leftovers.length === 0) return;
    for (const { pid } of leftovers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    throw new Error(
      `${leftovers.length} process(es) started by the tests were still running after them (now killed):\n` +
        leftovers.map((p) => `  pid ${p.pid}: ${p.command}`).join("\n"),
    );
  };
}
