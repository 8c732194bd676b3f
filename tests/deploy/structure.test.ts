/**
 * The house's structure, checked on the import graph of src/ (what `npx madge --circular src`
 * reports, without adding madge: its peer range stops at TypeScript 5, and TypeScript 7 has no
 * JavaScript API to read imports with). Static imports and re-exports, `import type` and
 * dynamic `import()` all count; comment lines are skipped.
 *
 * Run alone: `npm run structure`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "public" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /\b(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

/** The module specifiers a source file imports, relative or package. */
export function importSpecifiers(source: string): string[] {
  const code = source
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join("\n");
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Repository-relative file → the repository-relative files it imports (relative imports only). */
function importGraph(...dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const targets = importSpecifiers(readFileSync(file, "utf8"))
      .filter((spec) => spec.startsWith("."))
      .map((spec) => resolve(dirname(file), spec))
      .filter((target) => existsSync(target))
      .map((target) => relative(ROOT, target));
    graph.set(relative(ROOT, file), [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Every file `from` reaches through its imports, itself excluded. */
function reachable(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(graph.get(from) ?? [])];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(graph.get(next) ?? []));
  }
  return seen;
}

const graph = importGraph("src", "dev");
const edges = [...graph].flatMap(([file, targets]) => targets.map((target) => ({ file, target })));
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

describe("the import graph of src/", () => {
  it("has no import cycle", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it("reads every kind of import the sources use", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      "export { c } from './c.ts';",
      'import {\n  d,\n  e,\n} from "./d.ts";',
      'const { f } = await import("./f.ts");',
      'import "./g.ts";',
      '// import { h } from "./h.ts";',
      'import { z } from "zod";',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./f.ts", "./g.ts", "zod"]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const looped = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(looped)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("keeps the export worker free of bot code: nothing under src/export reaches src/bot", () => {
    const offenders = [...graph.keys()]
      .filter(under("src/export"))
      .flatMap((file) => [...reachable(graph, file)].filter(under("src/bot")).map((target) => `${file} → ${target}`));
    expect(offenders).toEqual([]);
  });

  it("keeps platform code (configuration, logging, pseudonyms, sealing) free of bot and export code", () => {
    const offenders = edges.filter(({ file, target }) => under("src/platform")(file) && (under("src/bot")(target) || under("src/export")(target)));
    expect(offenders).toEqual([]);
  });

  it("keeps records and their store apart from both the bot and the export worker", () => {
    const offenders = edges.filter(({ file, target }) => under("src/records")(file) && (under("src/bot")(target) || under("src/export")(target)));
    expect(offenders).toEqual([]);
  });

  it("keeps the engine pure: src/flows imports nothing of the bot, Redis, queues or the export", () => {
    const offenders = edges.filter(({ file, target }) => under("src/flows")(file) && !under("src/flows")(target) && !under("src/locales")(target));
    expect(offenders).toEqual([]);
    for (const file of [...graph.keys()].filter(under("src/flows"))) {
      const packages = importSpecifiers(readFileSync(join(ROOT, file), "utf8")).filter((spec) => !spec.startsWith("."));
      expect(packages.filter((p) => /^(grammy|@grammyjs|ioredis|bullmq)/.test(p)), file).toEqual([]);
    }
  });

  it("leaves the development tools (Bot API emulator, preview) out of production code", () => {
    // The one door: with no BOT_TOKEN, `npm start` loads the preview by dynamic import; the
    // image has no dev/ folder and refuses to start without a token in production.
    const allowed = new Set(["src/bot/main.ts"]);
    const offenders = edges.filter(({ file, target }) => under("src")(file) && under("dev")(target) && !allowed.has(file));
    expect(offenders).toEqual([]);
    expect(readFileSync(join(ROOT, "Dockerfile"), "utf8")).not.toMatch(/COPY\s+dev\b/);
  });
});
