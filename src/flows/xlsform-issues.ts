/** A problem the XLSForm importer found, pointing at the cell a survey team has to fix. */
export interface ImportIssue {
  sheet: "survey" | "choices" | "settings" | "disclosure" | "workbook";
  row?: number;
  column?: string;
  /** The XLSForm feature that is missing or misused, e.g. "geopoint" or "XPath paths". */
  feature: string;
  message: string;
}

export class FormImportError extends Error {
  readonly issues: ImportIssue[];

  constructor(issues: ImportIssue[]) {
    super(`The XLSForm has ${issues.length} problem(s):\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "FormImportError";
    this.issues = issues;
  }
}

export function formatIssue(issue: ImportIssue): string {
  const where = [issue.sheet, issue.row ? `row ${issue.row}` : "", issue.column ? `column "${issue.column}"` : ""].filter(Boolean).join(", ");
  return `${where}: ${issue.message}`;
}
