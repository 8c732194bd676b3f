/**
 * Starts the local preview as a person would (no BOT_TOKEN) in its own process group, collects
 * its output, and kills the whole group afterwards, including a redis-server it launched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { markerEnv } from "../support/processes.ts";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface PreviewProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived. */
  output(): string;
  stdout(): string;
  /** Resolves once the output matches, or rejects with the output so far. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function startPreviewProcess(command: string, args: string[], env: Record<string, string>): PreviewProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    // Only what a fresh shell would have: no BOT_TOKEN, and REDIS_URL only when the test gives one.
    // The marker lets the run's global teardown find this process if it outlives the tests.
    env: { PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "/tmp", ...env, ...markerEnv() },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() reaches npm, tsx, node and redis-server alike.
    detached: true,
  });
  const all: string[] = [];
  const out: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    all.push(chunk.toString());
    out.push(chunk.toString());
  });
  child.stderr!.on("data", (chunk: Buffer) => all.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return {
    child,
    output: () => all.join(""),
    stdout: () => out.join(""),
    async waitForOutput(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(all.join(""))) {
        if (child.exitCode !== null) throw new Error(`the preview exited with code ${child.exitCode} before printing ${pattern}:\n${all.join("")}`);
        if (Date.now() > deadline) throw new Error(`the preview did not print ${pattern} within ${timeoutMs} ms:\n${all.join("")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.pid === undefined) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // the group is already gone
        }
      };
      // SIGTERM first so a launched redis-server flushes its file; SIGKILL whatever is left.
      signalGroup("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      await new Promise((r) => setTimeout(r, 300));
      signalGroup("SIGKILL");
    },
  };
}
