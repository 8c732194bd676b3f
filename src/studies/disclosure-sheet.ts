/**
 * The optional `disclosure` sheet of a study's workbook: one row per field, columns `name` and
 * `role`. Role `quasi_identifier` marks a field that identifies people in combination with the
 * others (most important first, in row order); role `safe_text` lets a free-text field into
 * anonymous exports. A name the form lacks or an unknown role is an import problem with its row.
 */
import type { Form, FormNode } from "../flows/form.ts";
import type { ImportIssue } from "../flows/xlsform-issues.ts";
import type { SheetRow } from "../flows/xlsform-sheets.ts";
import type { ExportPolicy } from "./export-policy.ts";

export const DISCLOSURE_ROLES = ["quasi_identifier", "safe_text"] as const;

export interface Disclosure {
  quasiIdentifiers: string[];
  safeTextFields: string[];
}

/** Every field name of the form (questions and calculations, in groups and repeats too). */
function fieldNames(nodes: readonly FormNode[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    if (node.kind === "group" || node.kind === "repeat") fieldNames(node.children, into);
    else into.add(node.name);
  }
  return into;
}

/** Reads the sheet's rows; problems are reported through `problem`, like the importer's. */
export function readDisclosure(rows: readonly SheetRow[], form: Form, problem: (issue: ImportIssue) => void): Disclosure {
  const names = fieldNames(form.children);
  const disclosure: Disclosure = { quasiIdentifiers: [], safeTextFields: [] };
  for (const { row, cells } of rows) {
    const name = cells.name;
    const role = cells.role;
    if (!name) {
      problem({ sheet: "disclosure", row, column: "name", feature: "disclosure sheet", message: "the row has no field name" });
      continue;
    }
    if (!names.has(name)) {
      problem({ sheet: "disclosure", row, column: "name", feature: "disclosure sheet", message: `the form has no field "${name}"` });
      continue;
    }
    if (role === "quasi_identifier") disclosure.quasiIdentifiers.push(name);
    else if (role === "safe_text") disclosure.safeTextFields.push(name);
    else problem({ sheet: "disclosure", row, column: "role", feature: "disclosure sheet", message: `the role "${role ?? ""}" is not one of ${DISCLOSURE_ROLES.join(", ")}` });
  }
  return disclosure;
}

/** A form study's export policy: k 5, its quasi-identifiers, suppression as in the IOM study's. */
export function formStudyPolicy(disclosure: Disclosure): ExportPolicy {
  return {
    k: 5,
    quasiIdentifiers: disclosure.quasiIdentifiers,
    recodings: [],
    suppression: { code: "suppressed", spss: -9, maxShare: 0.05 },
    breakdowns: [],
    missingCodes: [],
  };
}
