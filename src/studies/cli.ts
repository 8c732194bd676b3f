/**
 * `npm run questionnaire` prints the native study's questionnaire definition as JSON.
 * `npm run questionnaire -- --xlsform FILE.xlsx` writes it as an XLSForm for KoBoToolbox / ODK.
 * The definition is the one the catalog attaches to the native study's workbook (catalog.ts).
 * `npm run questionnaire -- --check FORM.xlsx` imports an XLSForm and prints every problem with
 * its row and column, or a summary of the form when it has none (exit code 1 on problems).
 */
import { readFile, writeFile } from "node:fs/promises";
import { loadConfig } from "../platform/config.ts";
import { formToQuestionnaire } from "../flows/form-to-questionnaire.ts";
import { textValuesFor } from "../platform/text-params.ts";
import { createTranslator } from "../locales/i18n.ts";
import { formatSummary, summariseForm } from "../flows/form-summary.ts";
import { FormImportError, formatIssue, importXlsForm } from "../flows/xlsform-import.ts";
import { readXlsFormRows } from "../flows/xlsform-sheets.ts";
import { labourMigrantsKz } from "../flows/definitions/labour-migrants-kz.ts";
import { studyXlsForm } from "../flows/study-xlsform.ts";

async function check(file: string | undefined): Promise<void> {
  if (!file) throw new Error("--check needs a file name, e.g. npm run questionnaire -- --check form.xlsx");
  const rows = await readXlsFormRows(await readFile(file));
  try {
    const form = importXlsForm(rows, { fileName: file });
    // A workbook with the bot's study_rules sheet is a native study (the IOM instrument): its
    // extension columns are checked too, so a survey team sees every problem of an edit here.
    const native = form.studyRules ? formToQuestionnaire(form) : undefined;
    process.stdout.write(`${formatSummary(summariseForm(form))}\n`);
    if (native) {
      const extras = [`${native.screening.length} screening rules`, `${Object.keys(native.sets).length} named conditions`, `${native.questions.filter((q) => q.softChecks).length} questions with soft checks`];
      process.stdout.write(`native study: ${native.questions.length} questions in ${native.modules.length} modules; ${extras.join(", ")}\n`);
    }
  } catch (error) {
    if (!(error instanceof FormImportError)) throw error;
    process.stdout.write(`${file}: ${error.issues.length} problem(s)\n${error.issues.map((issue) => `  ${formatIssue(issue)}`).join("\n")}\n`);
    process.exitCode = 1;
  }
}

async function main(argv: string[]): Promise<void> {
  const checking = argv.indexOf("--check");
  if (checking !== -1) return check(argv[checking + 1]);
  // The IOM instrument as this checkout has it (forms/, converted): --xlsform rewrites its workbook.
  const definition = labourMigrantsKz;
  const at = argv.indexOf("--xlsform");
  if (at === -1) {
    process.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);
    return;
  }
  const file = argv[at + 1];
  if (!file) throw new Error("--xlsform needs a file name, e.g. npm run questionnaire -- --xlsform survey.xlsx");
  // The values the bot fills into its texts, per language, from the same environment variables and defaults.
  const { bytes, languages } = await studyXlsForm(definition, textValuesFor(loadConfig(process.env), createTranslator()));
  await writeFile(file, bytes);
  process.stderr.write(`Wrote ${file}: ${definition.questions.length} questions in ${languages} languages\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
