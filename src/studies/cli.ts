/**
 * `npm run questionnaire` prints the native study's questionnaire definition as JSON.
 * `npm run questionnaire -- --xlsform FILE.xlsx` writes it as an XLSForm for KoBoToolbox / ODK.
 * The definition is the one the catalog attaches to the native study's workbook (catalog.ts).
 * `npm run questionnaire -- --check FORM.xlsx` imports an XLSForm and prints every problem with
 * its row and column, or a summary of the form when it has none (exit code 1 on problems).
 */
import { readFile, writeFile } from "node:fs/promises";
import { loadConfig } from "../platform/config.ts";
import { textValuesFor } from "../platform/text-params.ts";
import { createTranslator } from "../locales/i18n.ts";
import { formatSummary, summariseForm } from "../flows/form-summary.ts";
import { FormImportError, formatIssue, importXlsForm } from "../flows/xlsform-import.ts";
import { readXlsFormRows } from "../flows/xlsform-sheets.ts";
import { NATIVE_DEFINITIONS } from "./catalog.ts";
import { studyXlsForm } from "../flows/study-xlsform.ts";

async function check(file: string | undefined): Promise<void> {
  if (!file) throw new Error("--check needs a file name, e.g. npm run questionnaire -- --check form.xlsx");
  const rows = await readXlsFormRows(await readFile(file));
  try {
    const form = importXlsForm(rows, { fileName: file });
    process.stdout.write(`${formatSummary(summariseForm(form))}\n`);
  } catch (error) {
    if (!(error instanceof FormImportError)) throw error;
    process.stdout.write(`${file}: ${error.issues.length} problem(s)\n${error.issues.map((issue) => `  ${formatIssue(issue)}`).join("\n")}\n`);
    process.exitCode = 1;
  }
}

async function main(argv: string[]): Promise<void> {
  const checking = argv.indexOf("--check");
  if (checking !== -1) return check(argv[checking + 1]);
  // Not loaded from FORMS_DIR: --xlsform is how the native study's workbook is (re)generated.
  const definition = NATIVE_DEFINITIONS[0]!;
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
