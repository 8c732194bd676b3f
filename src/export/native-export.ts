/**
 * The export plan of the native study (the IOM instrument's hand-checked definition): its
 * variables, allowed answers, derived values, integrity flags and codebook, as they always were.
 */
import type { Questionnaire } from "../flows/schema.ts";
import type { ExportPolicy } from "../studies/export-policy.ts";
import { allowedAnswers, allowedAnswersTo, anonymizeAllowed, matchesFilter } from "./anonymize.ts";
import { exportVariables, flagNames } from "./columns.ts";
import { buildCodebook } from "./formats/codebook.ts";
import { annotate as annotateCompletion, completionVariables, type PartialRows } from "./partial-interviews.ts";
import type { StudyExport } from "./study-export.ts";

export function nativeStudyExport(definition: Questionnaire, policy: ExportPolicy, partials?: PartialRows): StudyExport {
  const flags = flagNames(definition);
  // Partial interviews (issue 17): two more columns, only when the export includes them.
  const variables = [...exportVariables(definition, policy), ...(partials ? completionVariables(definition, partials.afterDays) : [])];
  return {
    policy,
    present: new Set(definition.questions.map((q) => q.id)),
    countingAnswers: (record, ids) => allowedAnswersTo(definition, record, ids),
    allowedAnswers: (record) => allowedAnswers(definition, record),
    toRow: (record, answers, rowId) => {
      const row = anonymizeAllowed(record, answers, { definition, policy, flagNames: flags, rowId });
      if (partials) annotateCompletion(row, record, definition, partials.isPartial(record));
      return row;
    },
    variables: () => variables,
    longFiles: () => [],
    codebook: (input) => buildCodebook({ definition, policy, ...input }),
    matches: (record, filter) => matchesFilter(record, filter, policy),
    summaryDescription: "Frequency tables of every single-choice question by sex and by city, with small cells suppressed, and integrity flag counts.",
    readmeNotes: [],
    fileDescriptions: {},
  };
}
