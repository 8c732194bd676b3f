/**
 * Reads the Dockerfile and docker-compose.yml well enough to check what they refer to.
 * `docker build` cannot run on the test machines, so these readers stand in for it: they
 * understand the subset of each format the project uses, and fail loudly on anything else.
 */

export interface Instruction {
  keyword: string;
  /** The arguments, with line continuations joined. */
  args: string;
  /** Index of the build stage (0 = first FROM). */
  stage: number;
}

/** Dockerfile instructions, comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let stage = -1;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue; // a comment inside a continued instruction
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(full);
    if (!match) throw new Error(`Dockerfile line not understood: ${full}`);
    const keyword = match[1]!.toUpperCase();
    if (keyword === "FROM") stage++;
    instructions.push({ keyword, args: match[2]!.trim(), stage });
  }
  return instructions;
}

/** The argument list of an exec-form instruction (`CMD ["npm", "start"]`). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) throw new Error(`not an exec-form list: ${args}`);
  return parsed;
}

/** `KEY=value KEY2=value2` of an ENV instruction. */
export function envPairs(args: string): Array<[string, string]> {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, "")]);
}

/** Expands `${NAME}` from ARG defaults, as docker does in FROM lines. */
export function expandArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const found = args[name];
    if (found === undefined) throw new Error(`ARG ${name} has no default`);
    return found;
  });
}

/** Whether a .dockerignore pattern list excludes a path (the patterns this project uses: names, `*` globs, `!` exceptions). */
export function dockerIgnores(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const pattern = negate ? raw.slice(1) : raw;
    const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}(/.*)?$`);
    if (regex.test(path)) ignored = !negate;
  }
  return ignored;
}

export function dockerignorePatterns(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The top-level keys of a YAML document and the lines under each. */
export function topLevelBlocks(yaml: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of yaml.split("\n")) {
    if (line.trim().startsWith("#") || line.trim() === "") continue;
    const top = /^([A-Za-z0-9_-]+):/.exec(line);
    if (top) {
      current = [];
      blocks.set(top[1]!, current);
      continue;
    }
    current?.push(line);
  }
  return blocks;
}

/** Children of a block, keyed by the name at the block's first indentation level. */
export function childBlocks(lines: string[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  const indent = Math.min(...lines.map((l) => l.length - l.trimStart().length));
  let current: string[] | undefined;
  for (const line of lines) {
    const depth = line.length - line.trimStart().length;
    const key = /^\s*([A-Za-z0-9_.-]+):/.exec(line);
    if (depth === indent && key) {
      current = [];
      children.set(key[1]!, current);
      if (line.slice(line.indexOf(":") + 1).trim() !== "") current.push(line);
      continue;
    }
    current?.push(line);
  }
  return children;
}

/** The value of `key: [...]` (a JSON-compatible flow list) inside a block, if any. */
export function flowList(lines: string[], key: string): string[] | undefined {
  const line = lines.find((l) => new RegExp(`^\\s*${key}:\\s*\\[`).test(l));
  return line ? execForm(line.slice(line.indexOf("[")).trim()) : undefined;
}

/** Environment variable names: compose keys in UPPER_CASE (every other compose key is lower case). */
export function environmentKeys(yaml: string): Array<{ name: string; value: string }> {
  return [...yaml.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]!.trim().replace(/^"|"$/g, "") }));
}

/** Names interpolated by compose: `${NAME}`, `${NAME:-default}`, `${NAME:?message}`. */
export function interpolatedNames(yaml: string): string[] {
  return [...new Set([...yaml.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))];
}

export function withoutComments(yaml: string): string {
  return yaml
    .split("\n")
    .filter((l) => !l.trim().startsWith("#"))
    .join("\n");
}
