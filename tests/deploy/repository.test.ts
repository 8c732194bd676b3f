/**
 * What the app reads at run time must reach a fresh clone and the image. A `.gitignore` rule
 * once written for the local ./data/ folder (`data/`) also matched src/referrals/data/, so the
 * referral directory existed on the machine that wrote it and nowhere else: every check passed
 * there and CI failed. This test fails on such a machine, before the commit.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerignorePatterns, dockerIgnores } from "./deploy-files.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const insideGit = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() === "true";
if (!insideGit) console.warn("tests/deploy/repository.test.ts: the .gitignore check is skipped, this folder is not a git checkout");

function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe("files the app needs at run time", () => {
  const sources = filesUnder("src");

  it.skipIf(!insideGit)("are not hidden from git by .gitignore", () => {
    const check = spawnSync("git", ["check-ignore", "--no-index", "--verbose", "--stdin"], { cwd: ROOT, input: sources.join("\n"), encoding: "utf8" });
    // Exit 1 means "nothing ignored"; the output names each ignored file with the rule that hides it.
    expect(check.stdout.trim(), "these files under src/ are ignored by git; narrow the rule shown").toBe("");
    expect(check.status).toBe(1);
  });

  it("all enter the Docker build context", () => {
    const ignore = dockerignorePatterns(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((file) => dockerIgnores(ignore, file))).toEqual([]);
  });
});
