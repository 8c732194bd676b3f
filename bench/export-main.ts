/**
 * Runs one part of the export benchmark in a process of its own (argument: memory | compare),
 * so that the memory measured is the export's alone, and prints the result as the last line (JSON).
 */
import { benchExport, type ExportBenchPart } from "./export.ts";

const part = (process.argv[2] ?? "memory") as ExportBenchPart;
const result = await benchExport({ part });
process.stdout.write(`${JSON.stringify(result)}\n`);
