/**
 * `npm run translations -- <command>`: the native speakers' review of the translations.
 *
 *   export --lang ky review-ky.xlsx   a workbook for a reviewer of one language
 *   import review-ky.xlsx [--by NAME] corrections checked and applied, sign-offs recorded
 *   status                            reviewed / stale / unreviewed per language
 *
 * `--locales DIR` and `--state FILE` point it at other texts than src/locales (tests use copies).
 * Exit code: 0 when done; 1 on a usage error; 2 when an import rejected rows (the accepted ones
 * are applied all the same).
 */
import { parseArgs } from "node:util";
import { LOCALES_DIR } from "../../src/locales/i18n.ts";
import { REVIEW_STATE_FILE, TRANSLATED_LANGUAGES } from "../../src/locales/review-state.ts";
import { exportWorkbook, formatStatus, importWorkbook, isTranslatedLanguage, statusReport } from "./workflow.ts";

const USAGE = `Usage:
  npm run translations -- export --lang <${TRANSLATED_LANGUAGES.join("|")}> <file.xlsx>
  npm run translations -- import <file.xlsx> [--by "Reviewer Name"]
  npm run translations -- status`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { lang: { type: "string" }, by: { type: "string" }, locales: { type: "string" }, state: { type: "string" }, today: { type: "string" } },
  });
  const paths = { localesDir: values.locales ?? LOCALES_DIR, stateFile: values.state ?? REVIEW_STATE_FILE };
  const [command, file] = positionals;
  if (command === "export" && file && values.lang && isTranslatedLanguage(values.lang)) {
    const rows = await exportWorkbook(paths, values.lang, file);
    console.log(`Wrote ${file}: ${rows} texts in ${values.lang} for review.`);
    return 0;
  }
  if (command === "import" && file) {
    const result = await importWorkbook(paths, file, { ...(values.by ? { reviewer: values.by } : {}), ...(values.today ? { today: values.today } : {}) });
    console.log(`${result.lang}, reviewed by ${result.reviewer}: ${result.corrected.length} corrected, ${result.approved.length} approved as they are, ${result.rejected.length} rejected; ${result.signedOff.length} texts signed off.`);
    for (const r of result.corrected) console.log(`  row ${r.row}: ${r.key}: correction accepted`);
    for (const r of result.rejected) console.log(`  row ${r.row}: ${r.key}: REJECTED: ${r.reasons.join("; ")}`);
    for (const c of result.comments) console.log(`  row ${c.row}: ${c.key}: comment: ${c.comment}`);
    return result.rejected.length > 0 ? 2 : 0;
  }
  if (command === "status") {
    console.log(formatStatus(statusReport(paths)));
    return 0;
  }
  console.error(USAGE);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
