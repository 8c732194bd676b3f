/**
 * `.env.example` is read by three parties: Node's process.loadEnvFile (what `npm start` uses),
 * docker compose's env_file, and an operator's shell (`set -a; . ./.env`). It must mean the
 * same to each, and the bot must accept its values as they stand.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = join(ROOT, ".env.example");

describe(".env.example", () => {
  it("is valid shell, and a shell reads the same values as Node does", () => {
    expect(spawnSync("bash", ["-n", FILE], { encoding: "utf8" }).status).toBe(0);
    const shell = spawnSync("bash", ["-c", `set -a; . "${FILE}"; env -0`], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(shell.status, shell.stderr).toBe(0);
    const fromShell = Object.fromEntries(shell.stdout.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const fromNode = parseEnv(readFileSync(FILE, "utf8"));
    expect(Object.keys(fromNode).length).toBeGreaterThan(20);
    for (const [name, value] of Object.entries(fromNode)) expect(fromShell[name], name).toBe(value);
    // Left unset, so each language names the organisation in its own words (survey:organisation).
    expect(fromNode.SURVEY_ORGANISATION).toBeUndefined();
  });

  it("holds values the bot accepts as they stand (outside production)", () => {
    expect(() => loadConfig(parseEnv(readFileSync(FILE, "utf8")))).not.toThrow();
  });
});
