/**
 * `npm run bench`: every benchmark of the project, each a side-by-side ratio measured in this
 * run. Exits non-zero when a ratio is over its limit, so a regression is hard to miss.
 */
import { spawnSync } from "node:child_process";
import { benchBot } from "./bot.ts";
import { benchEngine } from "./engine.ts";
import { benchFormEngine } from "./form-engine.ts";
import { benchDashboard } from "./dashboard.ts";

const failures: string[] = [];
const engineResult = await benchEngine();
if (engineResult.ratio > 1.2) failures.push(`engine late/early ratio ${engineResult.ratio.toFixed(2)} > 1.2`);

const formResult = await benchFormEngine();
if (formResult.importMs >= 1000) failures.push(`importing a 500-question XLSForm took ${formResult.importMs.toFixed(0)} ms ≥ 1000`);
if (formResult.ratio > 1.2) failures.push(`form engine late/early ratio ${formResult.ratio.toFixed(2)} > 1.2`);

const botResult = await benchBot();
if (botResult.throughputRatio < 0.5) failures.push(`bot throughput ratio ${botResult.throughputRatio.toFixed(2)} < 0.5`);
if (botResult.sessionBytes > 4096) failures.push(`session ${botResult.sessionBytes} bytes > 4096`);
if (botResult.lateEarlyRatio > 1.2) failures.push(`bot late/early ratio ${botResult.lateEarlyRatio.toFixed(2)} > 1.2`);

// Each export part runs in a child process of its own, so the memory measured is the export's.
function runExportPart(part: "memory" | "compare"): { csvRatio?: number; peakRssMb?: number } | undefined {
  const run = spawnSync(process.execPath, ["--import", "tsx", new URL("./export-main.ts", import.meta.url).pathname, part], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const lines = run.stdout.trim().split("\n");
  process.stdout.write(`${lines.slice(0, -1).join("\n")}\n`);
  if (run.status !== 0) return undefined;
  return JSON.parse(lines.at(-1) ?? "{}") as { csvRatio?: number; peakRssMb?: number };
}
const exportCompare = runExportPart("compare");
const exportMemory = runExportPart("memory");
if (exportCompare?.csvRatio === undefined) failures.push("the export comparison did not finish");
else if (exportCompare.csvRatio > 2) failures.push(`export CSV/bare ratio ${exportCompare.csvRatio.toFixed(2)} > 2`);
if (exportMemory?.peakRssMb === undefined) failures.push("the export memory run did not finish");
else if (exportMemory.peakRssMb >= 300) failures.push(`export peak RSS ${exportMemory.peakRssMb.toFixed(0)} MB ≥ 300`);

const dashboardResult = await benchDashboard();
if (dashboardResult.figuresMs >= 200) failures.push(`dashboard figures ${dashboardResult.figuresMs.toFixed(0)} ms ≥ 200 ms at 100,000 interviews`);
if (dashboardResult.completeMs > 1) failures.push(`completing an interview waits ${dashboardResult.completeMs.toFixed(2)} ms > 1 ms for the dashboard`);
if (dashboardResult.completeRedisMs > 1) failures.push(`completing an interview costs Redis ${dashboardResult.completeRedisMs.toFixed(2)} ms > 1 ms for the dashboard`);

if (failures.length > 0) {
  process.stdout.write(`\nover the limit:\n${failures.map((f) => `  ${f}`).join("\n")}\n`);
  process.exit(1);
}
