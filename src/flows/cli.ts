/**
 * `npm run questionnaire` prints the questionnaire definition as JSON.
 * `npm run questionnaire -- --xlsform FILE.xlsx` writes it as an XLSForm for KoBoToolbox / ODK.
 */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigSchema } from "../bot/config.ts";
import { createTranslator, SOURCE_LANGUAGES } from "../locales/i18n.ts";
import { labourMigrantsKz } from "./definitions/labour-migrants-kz.ts";
import { toXlsForm } from "./xlsform.ts";
import { xlsFormWorkbook } from "./xlsform-workbook.ts";

/** Column headers name each language in English, as XLSForm tools expect. */
export const LANGUAGE_NAMES: Record<string, string> = { en: "English", ru: "Russian", uz: "Uzbek", ky: "Kyrgyz", kk: "Kazakh", "uz-Cyrl": "Uzbek Cyrillic" };

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf("--xlsform");
  if (at === -1) {
    process.stdout.write(`${JSON.stringify(labourMigrantsKz, null, 2)}\n`);
    return;
  }
  const file = argv[at + 1];
  if (!file) throw new Error("--xlsform needs a file name, e.g. npm run questionnaire -- --xlsform survey.xlsx");
  const translator = createTranslator();
  const languages = [...SOURCE_LANGUAGES, "uz-Cyrl"]
    .filter((code) => translator.instance.hasResourceBundle(code, "survey"))
    .map((code) => ({ code, name: LANGUAGE_NAMES[code] ?? code }));
  // The values the bot fills into its texts, from the same environment variables and defaults.
  const { SURVEY_ORGANISATION, MIN_WAGE_KZT, RETENTION_DAYS, SESSION_TTL_DAYS } = ConfigSchema.shape;
  const config = z.object({ SURVEY_ORGANISATION, MIN_WAGE_KZT, RETENTION_DAYS, SESSION_TTL_DAYS }).parse(process.env);
  const textValues = {
    organisation: config.SURVEY_ORGANISATION,
    retentionDays: config.RETENTION_DAYS,
    sessionDays: config.SESSION_TTL_DAYS,
    minWage: config.MIN_WAGE_KZT.toLocaleString("ru-RU"),
  };
  await writeFile(file, await xlsFormWorkbook(toXlsForm(labourMigrantsKz, languages, (lang, key, params) => translator.t(lang, key, params), { textValues })));
  process.stderr.write(`Wrote ${file}: ${labourMigrantsKz.questions.length} questions in ${languages.length} languages\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
