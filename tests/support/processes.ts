/**
 * Processes the tests start, started the way production starts them and killed for real.
 *
 * - The bot runs as `node src/bot/main.ts` (Node 24 strips the types), with no npm or tsx
 *   between the test and the process that polls: the PID a test kills is the bot itself.
 * - Each process gets its own process group, so a kill reaches anything it started too.
 * - Each carries TEST_PROCESS_MARKER in its environment; the global teardown
 *   (tests/support/leftover-processes.ts) finds any still running after the run and fails it.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

/** Environment variable whose value (the run's id) marks processes started by this test run. */
export const TEST_PROCESS_MARKER = "SURVEY_TEST_PROCESS";

/** The Node 24 binary from the `node` devDependency, else the one running the tests. */
export function node24(): string {
  const local = join(ROOT, "node_modules", "node", "bin", "node");
  return existsSync(local) ? local : process.execPath;
}

/** The marker pair to put into a child's environment. */
export function markerEnv(): Record<string, string> {
  return { [TEST_PROCESS_MARKER]: process.env[TEST_PROCESS_MARKER] ?? "unmarked" };
}

/** Spawns a process in its own group, marked as started by the tests. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions & { env: Record<string, string> }): ChildProcess {
  return spawn(command, args, { cwd: ROOT, ...options, env: { ...options.env, ...markerEnv() }, detached: true });
}

/** True while a process with this PID exists (a zombie not yet reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    return state !== "Z";
  } catch {
    return true;
  }
}

/** Sends a signal to the whole process group of a child started with spawnTracked. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
