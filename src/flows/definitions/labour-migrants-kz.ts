/**
 * The IOM labour-migrant survey (Almaty, Astana, Shymkent), generated from its workbook
 * forms/labour-migrants-kz.xlsx: imported by the same importer as any XLSForm, then converted
 * to the native definition (form-to-questionnaire.ts), bot extras included (support needs,
 * presets, soft checks, screening, named sets, consent, integrity checks).
 *
 * A survey team changes the instrument in the workbook (README, "Changing the IOM instrument");
 * the texts stay in src/locales. Question ids and option codes are the export contract
 * (shared/questionnaire-outline.md §11): never rename one; add new ones and bump the version.
 *
 * The one file of src/flows that reads a file: the workbook is part of the code, read once
 * when the module loads, so everything that imports the definition gets a plain value.
 */
import { readFile } from "node:fs/promises";
import { formToQuestionnaire } from "../form-to-questionnaire.ts";
import type { Questionnaire } from "../schema.ts";
import { importXlsForm } from "../xlsform-import.ts";
import { readXlsFormRows } from "../xlsform-sheets.ts";

/** Where the workbook lives, from this module (src/flows/definitions → the repository's forms/). */
export const LABOUR_MIGRANTS_KZ_WORKBOOK = new URL("../../../forms/labour-migrants-kz.xlsx", import.meta.url);

export const labourMigrantsKz: Questionnaire = formToQuestionnaire(
  importXlsForm(await readXlsFormRows(await readFile(LABOUR_MIGRANTS_KZ_WORKBOOK)), { fileName: "labour-migrants-kz.xlsx" }),
);
