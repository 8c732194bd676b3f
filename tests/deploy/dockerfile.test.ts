/**
 * `docker build` cannot run on the test machines. These checks catch what would break the
 * image or the compose stack anyway: scripts, files and variables that do not exist, a port
 * that does not line up, a devDependency needed at run time, a health check that never fails.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/platform/config.ts";
import { WEBHOOK_PATH } from "../../src/bot/http-server.ts";
import {
  childBlocks,
  dockerignorePatterns,
  dockerIgnores,
  envPairs,
  environmentKeys,
  execForm,
  expandArgs,
  flowList,
  interpolatedNames,
  parseDockerfile,
  topLevelBlocks,
  withoutComments,
  type Instruction,
} from "./deploy-files.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

const pkg = JSON.parse(read("package.json")) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const dockerfile = parseDockerfile(read("Dockerfile"));
const ignore = dockerignorePatterns(read(".dockerignore"));
const composeText = read("docker-compose.yml");
const compose = withoutComments(composeText);
const composeBlocks = topLevelBlocks(compose);
const services = childBlocks(composeBlocks.get("services") ?? []);
const configVariables = new Set(Object.keys(ConfigSchema.shape));
const envExampleVariables = new Set([...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
/** Read by docker compose itself (the Caddyfile), never by the bot; each is explained in the file's header. */
const COMPOSE_ONLY_VARIABLES = ["WEBHOOK_DOMAIN"];

const finalStage = Math.max(...dockerfile.map((i) => i.stage));
const inFinalStage = (keyword: string): Instruction[] => dockerfile.filter((i) => i.stage === finalStage && i.keyword === keyword);
const finalEnv = new Map(inFinalStage("ENV").flatMap((i) => envPairs(i.args)));

/**
 * The TypeScript entry file of a command that runs it with Node itself (`node <file.ts>`): no
 * npm, shell or tsx between the container and the bot, so signals reach the bot.
 */
function nodeEntry(argv: string[]): string {
  expect(argv, `${JSON.stringify(argv)} should be ["node", "<file.ts>"]`).toHaveLength(2);
  expect(argv[0], `${JSON.stringify(argv)} should run node directly`).toBe("node");
  expect(argv[1]).toMatch(/^src\/\S+\.ts$/);
  return argv[1]!;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("Dockerfile", () => {
  it("bases every stage on the Node major pinned in package.json", () => {
    const major = /^>=(\d+)\s+<(\d+)$/.exec(pkg.engines.node);
    expect(major, `engines.node "${pkg.engines.node}" should read ">=N <N+1"`).not.toBeNull();
    expect(Number(major![2])).toBe(Number(major![1]) + 1);
    const argDefaults = Object.fromEntries(dockerfile.filter((i) => i.keyword === "ARG" && i.stage === -1).flatMap((i) => envPairs(i.args)));
    const images = dockerfile.filter((i) => i.keyword === "FROM").map((i) => expandArgs(i.args.split(/\s+/)[0]!, argDefaults));
    expect(images.length).toBeGreaterThanOrEqual(2); // multi-stage: npm's cache and lock work stay out of the image
    for (const image of images) expect(image).toMatch(new RegExp(`^node:${major![1]}(\\.[\\d.]+)?-bookworm-slim$`));
  });

  it("copies only files that exist and that .dockerignore lets into the build context", () => {
    const copies = dockerfile.filter((i) => i.keyword === "COPY" && !i.args.includes("--from="));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      for (const source of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, source)), `COPY ${source}: no such path in the repository`).toBe(true);
        expect(dockerIgnores(ignore, source), `COPY ${source}: excluded by .dockerignore`).toBe(false);
      }
    }
    // Secrets and local data never reach the build context.
    for (const secret of [".env", ".env.production", "data/redis/appendonly.aof", "node_modules/tsx"]) expect(dockerIgnores(ignore, secret), secret).toBe(true);
  });

  it("starts the bot as node on its entry file, which is copied into the image and is what npm start runs", () => {
    const cmd = inFinalStage("CMD").at(-1);
    expect(cmd, "the final stage needs a CMD").toBeDefined();
    const entry = nodeEntry(execForm(cmd!.args));
    expect(entry).toBe("src/bot/main.ts");
    expect(pkg.scripts.start).toBe(`node ${entry}`);
    expect(existsSync(join(ROOT, entry)), `the image runs ${entry}, which does not exist`).toBe(true);
    expect(dockerIgnores(ignore, entry), `${entry} is excluded by .dockerignore`).toBe(false);
  });

  it("installs production dependencies only, and everything the sources import at run time is one", () => {
    const install = dockerfile.find((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args));
    expect(install, "the image should install with npm ci (the lockfile decides)").toBeDefined();
    expect(install!.args).toContain("--omit=dev");

    const runtimeImports = new Set<string>();
    for (const file of filesUnder(join(ROOT, "src")).filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/^\s*import\s+(?!type\s)[^;]*?from\s+"([^".][^"]*)"|import\(\s*"([^".][^"]*)"\s*\)/gm)) {
        const specifier = (m[1] ?? m[2])!;
        if (specifier.startsWith("node:")) continue;
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
        runtimeImports.add(`${name} (${relative(ROOT, file)})`);
        expect(pkg.dependencies[name], `${relative(ROOT, file)} imports ${name}, which --omit=dev leaves out of the image`).toBeDefined();
      }
    }
    expect(runtimeImports.size).toBeGreaterThan(0);
  });

  it("runs as a non-root user, who owns only the export folder", () => {
    const user = inFinalStage("USER").at(-1);
    expect(user, "the final stage needs a USER").toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    const userName = user!.args.split(":")[0]!;
    // The user must exist in the base image (node images ship "node") or be created here.
    const created = dockerfile.some((i) => i.keyword === "RUN" && new RegExp(`useradd[^&]*\\b${userName}\\b`).test(i.args));
    expect(userName === "node" || created, `USER ${userName} is never created`).toBe(true);
    const exportDir = finalEnv.get("EXPORT_DIR");
    expect(exportDir, "EXPORT_DIR should point into a folder the user can write").toBeDefined();
    expect(inFinalStage("RUN").some((i) => i.args.includes(`chown ${userName}`) && i.args.includes(exportDir!))).toBe(true);
  });

  it("listens where compose and the health check expect it: 0.0.0.0 on PORT, which it exposes", () => {
    const port = finalEnv.get("PORT");
    expect(port).toMatch(/^\d+$/);
    expect(finalEnv.get("HOST")).toBe("0.0.0.0");
    expect(inFinalStage("EXPOSE").map((i) => i.args)).toEqual([port]);
    for (const [name] of finalEnv) {
      if (name.startsWith("npm_config_")) continue; // read by npm, not the bot
      expect(configVariables.has(name), `ENV ${name} is not a variable src/platform/config.ts reads`).toBe(true);
    }
  });

  describe("HEALTHCHECK", () => {
    const healthcheck = inFinalStage("HEALTHCHECK").at(-1);
    const argv = healthcheck ? execForm(healthcheck.args.slice(healthcheck.args.indexOf("CMD") + 3).trim()) : [];

    /** Runs the image's health-check command against a stand-in server answering `status` on /healthz. */
    async function runHealthcheck(status: number | "nothing listening"): Promise<{ code: number | null; paths: string[] }> {
      const paths: string[] = [];
      const server = createServer((req, res) => {
        paths.push(req.url ?? "");
        res.writeHead(req.url === "/healthz" ? (status as number) : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as AddressInfo).port;
      if (status === "nothing listening") await new Promise<void>((resolve) => server.close(() => resolve()));
      const child = spawn(join(ROOT, "node_modules", ".bin", argv[0]!), argv.slice(1), { env: { PORT: String(port) }, stdio: "ignore" });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      if (status !== "nothing listening") await new Promise<void>((resolve) => server.close(() => resolve()));
      return { code, paths };
    }

    it("exists and asks Node (slim images have no curl)", () => {
      expect(healthcheck, "the final stage needs a HEALTHCHECK").toBeDefined();
      expect(argv[0]).toBe("node");
    });

    it("passes when /healthz on PORT answers 200", async () => {
      const result = await runHealthcheck(200);
      expect(result.paths).toEqual(["/healthz"]);
      expect(result.code).toBe(0);
    });

    it("fails when /healthz answers 503 or nothing listens", async () => {
      expect((await runHealthcheck(503)).code).not.toBe(0);
      expect((await runHealthcheck("nothing listening")).code).not.toBe(0);
    });

    it("asks a path the bot's HTTP server serves", () => {
      expect(read("src/bot/http-server.ts")).toContain('path === "/healthz"');
    });
  });
});

describe("docker-compose.yml", () => {
  it("has the bot, a worker and Redis, built from this Dockerfile", () => {
    expect([...services.keys()]).toEqual(expect.arrayContaining(["bot", "worker", "redis"]));
    expect(compose).toMatch(/^\s+build:\s*\.\s*$/m);
    expect(existsSync(join(ROOT, "Dockerfile"))).toBe(true);
  });

  it("runs the worker as node on an entry file that exists, the one npm run worker runs", () => {
    const worker = flowList(services.get("worker")!, "command");
    const entry = nodeEntry(worker!);
    expect(pkg.scripts.worker).toBe(`node ${entry}`);
    expect(existsSync(join(ROOT, entry)), `the worker service runs ${entry}, which does not exist`).toBe(true);
    // The bot service keeps the image's CMD (node src/bot/main.ts).
    expect(flowList(services.get("bot")!, "command")).toBeUndefined();
  });

  it("sets only variables the bot reads, each documented in .env.example", () => {
    const keys = environmentKeys(compose);
    expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(["REDIS_URL", "EXPORT_WORKER", "PORT", "HOST"]));
    for (const { name } of keys) {
      expect(configVariables.has(name), `compose sets ${name}, which src/platform/config.ts does not read`).toBe(true);
      expect(envExampleVariables.has(name), `compose sets ${name}, which .env.example does not document`).toBe(true);
    }
    for (const name of interpolatedNames(compose)) {
      const known = configVariables.has(name) || COMPOSE_ONLY_VARIABLES.includes(name);
      expect(known, `compose interpolates \${${name}}, which is neither a bot variable nor a documented compose-only one`).toBe(true);
    }
    for (const name of COMPOSE_ONLY_VARIABLES) expect(composeText.split("\n").filter((l) => l.startsWith("#")).join("\n")).toContain(name);
    // The bot reads its variables from .env, whose template is .env.example.
    expect(compose).toMatch(/path:\s*\.env\s*$/m);
    expect(existsSync(join(ROOT, ".env.example"))).toBe(true);
    expect(read(".gitignore").split("\n")).toContain(".env");
  });

  it("keeps exports in the bot's own worker off, so the worker service builds them", () => {
    const bot = environmentKeys(services.get("bot")!.join("\n"));
    expect(bot).toContainEqual({ name: "EXPORT_WORKER", value: "off" });
    expect(ConfigSchema.shape.EXPORT_WORKER.safeParse("off").success).toBe(true);
  });

  it("uses one port everywhere: PORT, the Dockerfile's EXPOSE, and the proxy's upstream", () => {
    const port = finalEnv.get("PORT");
    const ports = environmentKeys(compose).filter((k) => k.name === "PORT").map((k) => k.value);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toBe(port);
    for (const host of environmentKeys(compose).filter((k) => k.name === "HOST")) expect(host.value).toBe("0.0.0.0");
    const upstreams = [...compose.matchAll(/dynamic a (\S+) (\d+)/g)];
    expect(upstreams.map((m) => [m[1], m[2]])).toEqual([["bot", port]]);
  });

  it("points Redis URLs at the redis service", () => {
    for (const url of environmentKeys(compose).filter((k) => k.name === "REDIS_URL")) {
      expect(ConfigSchema.shape.REDIS_URL.safeParse(url.value).success).toBe(true);
      expect(new URL(url.value).hostname).toBe("redis");
    }
  });

  it("runs Redis durable: append-only, fsync every second, no eviction, data on a named volume", () => {
    const redis = services.get("redis")!;
    const command = flowList(redis, "command")!;
    const setting = (name: string) => command[command.indexOf(`--${name}`) + 1];
    expect(command[0]).toBe("redis-server");
    expect(setting("appendonly")).toBe("yes");
    expect(setting("appendfsync")).toBe("everysec");
    expect(setting("maxmemory-policy")).toBe("noeviction");
    expect(redis.join("\n")).toMatch(/- redis-data:\/data$/m);
    expect(redis.join("\n")).toMatch(/image:\s*redis:7/);
  });

  it("declares every named volume it mounts, and shares the export folder between bot and worker", () => {
    const declared = new Set(childBlocks(composeBlocks.get("volumes") ?? []).keys());
    const mounted = [...compose.matchAll(/^\s+- ([a-z][a-z0-9_-]*):\/\S+$/gm)].map((m) => m[1]!);
    expect(mounted.length).toBeGreaterThan(0);
    for (const name of mounted) expect(declared.has(name), `volume ${name} is mounted but not declared`).toBe(true);
    const exportDir = finalEnv.get("EXPORT_DIR")!;
    for (const service of ["bot", "worker"]) {
      const env = environmentKeys(compose).filter((k) => k.name === "EXPORT_DIR");
      for (const e of env) expect(e.value).toBe(exportDir);
      expect(compose, service).toContain(`- exports:${exportDir}`);
    }
  });

  it("shows the webhook variant: a proxy forwarding only the bot's webhook path", () => {
    const proxy = services.get("proxy");
    expect(proxy, "a proxy service for the webhook variant").toBeDefined();
    expect(proxy!.join("\n")).toMatch(/profiles:\s*\["webhook"\]/);
    const caddyfile = childBlocks(composeBlocks.get("configs") ?? []).get("caddyfile")!.join("\n");
    const handled = [...caddyfile.matchAll(/handle (\/\S*) \{/g)].map((m) => m[1]);
    expect(handled).toEqual([WEBHOOK_PATH]);
    expect(caddyfile).not.toContain("/metrics");
    expect(envExampleVariables.has("WEBHOOK_URL") && envExampleVariables.has("WEBHOOK_SECRET")).toBe(true);
    expect(composeText).toContain(`WEBHOOK_URL=https://<domain>${WEBHOOK_PATH}`);
  });
});
