/**
 * `npm run directory -- <command>`: the referral directory for the people who maintain it.
 *
 *   check <file.xlsx|file.json>        validate a directory: every problem with its row (or JSON
 *                                      path), every city and kind of help covered or written down
 *                                      as a gap, and entries not checked for over 180 days
 *   export <out.xlsx> [from.json|xlsx] write a directory (the shipped one by default) as a
 *                                      spreadsheet to start from
 *
 * Exits 0 when the directory can be used as it is, 1 when something must be fixed, 2 on misuse.
 */
import { writeFileSync } from "node:fs";
import { coverageProblems } from "./coverage.ts";
import { DEFAULT_DIRECTORY_FILE, DirectoryError, STALE_AFTER_DAYS, loadDirectoryFile, type Directory } from "./directory.ts";
import type { Problem } from "./validate.ts";
import { directoryWorkbook, workbookLimitations } from "./workbook.ts";

const USAGE = "usage: npm run directory -- check <file.xlsx|file.json>\n       npm run directory -- export <out.xlsx> [from.json|from.xlsx]";

const print = (line: string) => process.stdout.write(`${line}\n`);
const printProblems = (problems: readonly Problem[]) => problems.forEach((p) => print(`  ${p.path}: ${p.message}`));

/** Loads a directory, printing its problems instead of throwing; undefined when it cannot be used. */
async function load(file: string): Promise<Directory | undefined> {
  try {
    return await loadDirectoryFile(file);
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    print(`${file}: ${error.problems.length === 1 ? "1 problem" : `${error.problems.length} problems`}`);
    printProblems(error.problems);
    return undefined;
  }
}

async function check(file: string, today: Date): Promise<number> {
  const directory = await load(file);
  if (!directory) return 1;
  const gaps = coverageProblems(directory);
  if (gaps.length > 0) {
    print(`${file}: ${gaps.length} ${gaps.length === 1 ? "city and kind of help has" : "cities and kinds of help have"} no contact and no gap written down`);
    printProblems(gaps);
  }
  const stale = directory.notCheckedWithin(today);
  if (stale.length > 0) {
    print(`${file}: ${stale.length} ${stale.length === 1 ? "entry was" : "entries were"} last checked more than ${STALE_AFTER_DAYS} days ago; check them again:`);
    for (const entry of stale) print(`  ${entry.id}: checked ${entry.checked}`);
  }
  if (gaps.length > 0) return 1;
  print(`${file}: OK, ${directory.entries.length} entries, ${directory.gaps.length} known gaps`);
  return 0;
}

async function exportWorkbook(out: string, from: string): Promise<number> {
  const directory = await load(from);
  if (!directory) return 1;
  const file = { version: 1, entries: [...directory.entries], gaps: [...directory.gaps] };
  const limits = workbookLimitations(file);
  if (limits.length > 0) {
    print(`${from}: cannot be written as a spreadsheet without losing details:`);
    printProblems(limits);
    return 1;
  }
  writeFileSync(out, await directoryWorkbook(file));
  print(`${out}: ${directory.entries.length} entries and ${directory.gaps.length} known gaps written`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, first, second] = args;
  if (command === "check" && first) return check(first, new Date());
  if (command === "export" && first) return exportWorkbook(first, second ?? DEFAULT_DIRECTORY_FILE);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
