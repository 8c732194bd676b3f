/**
 * The importer's checks on the XPath of a sheet: each expression parses, calls only functions of
 * the table in `xpath-eval.ts` with the right number of arguments, and names only fields that
 * exist; texts name only fields that exist.
 */
import type { ImportIssue } from "./xlsform-issues.ts";
import type { SheetRow } from "./xlsform-sheets.ts";
import { arityProblem, supportedFunction } from "./xpath-eval.ts";
import { parseXPath, xpathNodes, XPathSyntaxError, type XPathExpr } from "./xpath.ts";

export interface SheetExpression {
  row: number;
  column: string;
  source: string;
  /** Bare names are choice columns in a choice filter, and refused elsewhere. */
  where: "field" | "choice_filter" | "constraint";
}

export function checkExpressions(
  expressions: SheetExpression[],
  names: ReadonlyMap<string, readonly { row: number }[]>,
  problem: (issue: ImportIssue) => void,
): void {
  for (const { row, column, source, where } of expressions) {
    let parsed: XPathExpr;
    try {
      parsed = parseXPath(source);
    } catch (error) {
      if (!(error instanceof XPathSyntaxError)) throw error;
      problem({ sheet: "survey", row, column, feature: `XPath ${error.feature}`, message: `${error.message} in "${source}"` });
      continue;
    }
    for (const node of xpathNodes(parsed)) {
      if (node.type === "ref" && !names.has(node.name)) {
        problem({ sheet: "survey", row, column, feature: "references", message: `\${${node.name}} is not a field of this form` });
      } else if (node.type === "ref" && names.get(node.name)!.length > 1) {
        const rows = names.get(node.name)!.map((use) => use.row).join(", ");
        problem({ sheet: "survey", row, column, feature: "references", message: `\${${node.name}} is ambiguous: fields on rows ${rows} share that name` });
      }
      if (node.type === "field" && where !== "choice_filter") {
        const message =
          column === "required" && parsed.type === "field"
            ? `required "${node.name}" is neither yes nor no: ODK reads it as a path that finds nothing, so the question would not be required; write yes or no`
            : `"${node.name}" is a path, not a reference; write \${${node.name}}`;
        problem({ sheet: "survey", row, column, feature: "XPath paths", message });
      }
      if (node.type === "call") {
        if (!supportedFunction(node.name)) {
          problem({ sheet: "survey", row, column, feature: `${node.name}()`, message: `the function ${node.name}() is not supported` });
          continue;
        }
        const arity = arityProblem(node.name, node.args.length);
        if (arity) problem({ sheet: "survey", row, column, feature: `${node.name}()`, message: arity });
        if (node.name === "position" && node.args[0]?.type !== "parent") {
          problem({ sheet: "survey", row, column, feature: "position()", message: "only position(..) is supported" });
        }
      }
    }
    const parents = [...xpathNodes(parsed)].filter((n) => n.type === "parent").length;
    const positions = [...xpathNodes(parsed)].filter((n) => n.type === "call" && n.name === "position").length;
    if (parents > positions) problem({ sheet: "survey", row, column, feature: "XPath paths", message: `".." is supported only as position(..)` });
  }
}

/** A `${name}` in a label, hint or message must name a field, as in expressions. */
export function checkTextReferences(rows: readonly SheetRow[], names: ReadonlyMap<string, readonly { row: number }[]>, problem: (issue: ImportIssue) => void): void {
  const texts = ["label", "hint", "constraint_message", "required_message"];
  for (const { row, cells } of rows) {
    for (const [column, text] of Object.entries(cells)) {
      if (!texts.includes(column.split("::")[0]!)) continue;
      for (const match of text.matchAll(/\$\{\s*([^}\s]*)\s*\}/g)) {
        const name = match[1]!;
        if (!names.has(name)) problem({ sheet: "survey", row, column, feature: "references", message: `\${${name}} in the text is not a field of this form` });
      }
    }
  }
}
