/**
 * `npm run iom-workbook -- FILE.xlsx` writes the IOM instrument's workbook from the TypeScript
 * builders (builders.ts), with the texts a deployment with the shipped defaults shows.
 *
 * The bot runs the workbook in forms/, not these builders; `npm run questionnaire -- --xlsform`
 * rewrites the workbook from the workbook itself (after a change to the texts or the writer).
 */
import { writeFile } from "node:fs/promises";
import { studyXlsForm } from "../../src/flows/study-xlsform.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { textValuesFor } from "../../src/platform/text-params.ts";
import { handWrittenLabourMigrantsKz } from "./builders.ts";

const file = process.argv[2];
if (!file) {
  process.stderr.write("Usage: npm run iom-workbook -- forms/labour-migrants-kz.xlsx\n");
  process.exit(1);
}
// The shipped defaults, not this shell's environment: the workbook in forms/ is the same everywhere.
const { bytes } = await studyXlsForm(handWrittenLabourMigrantsKz, textValuesFor(loadConfig({}), createTranslator()));
await writeFile(file, bytes);
process.stderr.write(`Wrote ${file}: ${handWrittenLabourMigrantsKz.questions.length} questions\n`);
