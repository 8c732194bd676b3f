/**
 * The importer refuses what it cannot run exactly, naming row, column and feature; the engine
 * takes today's date from its caller and asks "add another?" for repeats without a count.
 */
import { describe, expect, it } from "vitest";
import { answerField, answerRepeat, currentStep, emptyFormState, FormSnapshot, goBack, renderText } from "../../src/flows/form-engine.ts";
import { FormImportError, importXlsForm, type ImportIssue } from "../../src/flows/xlsform-import.ts";
import type { SheetRow, XlsFormRows } from "../../src/flows/xlsform-sheets.ts";

const sheet = (rows: Record<string, string>[]): SheetRow[] => rows.map((cells, i) => ({ row: i + 2, cells }));
const workbook = (survey: Record<string, string>[], choices: Record<string, string>[] = []): XlsFormRows => ({
  survey: sheet(survey),
  choices: sheet(choices),
  settings: sheet([{ form_id: "t", version: "3" }]),
  present: { survey: true, choices: true, settings: true },
});
const yesNo = [
  { list_name: "yn", name: "yes", label: "Yes" },
  { list_name: "yn", name: "no", label: "No" },
];

function issuesOf(rows: XlsFormRows): ImportIssue[] {
  try {
    importXlsForm(rows);
  } catch (error) {
    if (error instanceof FormImportError) return error.issues;
    throw error;
  }
  return [];
}

describe("the XLSForm importer", () => {
  it("names the row, column and feature of everything it cannot run", () => {
    const issues = issuesOf(
      workbook(
        [
          { type: "integer", name: "age", label: "Age" },
          { type: "geopoint", name: "where", label: "Where?" },
          { type: "text", name: "a", label: "A", relevant: "/data/age > 3" },
          { type: "text", name: "b", label: "B", constraint: "jr:choice-name(., 'x')" },
          { type: "text", name: "c", label: "C", relevant: "${nobody} = 1" },
          { type: "text", name: "d", label: "D", calculation: "1" },
          { type: "note", name: "e", label: "Hello ${nobody}" },
          { type: "begin_group", name: "g", label: "G" },
        ],
        yesNo,
      ),
    );
    const summary = issues.map((i) => `${i.row}:${i.column}:${i.feature}`);
    expect(summary).toEqual(
      expect.arrayContaining(["3:type:geopoint", "4:relevant:XPath paths", "5:constraint:jr:choice-name()", "6:relevant:references", "7:calculation:calculation on a question", "8:label:references", "9:type:begin_group"]),
    );
  });

  it("expands or_other as pyxform does: an 'other' choice and a text question shown for it", () => {
    const form = importXlsForm(workbook([{ type: "select_one yn or_other", name: "q", label: "Q" }], yesNo));
    expect(form.choices.yn!.map((c) => c.name)).toEqual(["yes", "no", "other"]);
    expect(form.children.map((n) => [n.name, n.relevant])).toEqual([
      ["q", undefined],
      ["q_other", "selected(${q}, 'other')"],
    ]);
  });
});

describe("the form engine", () => {
  it("takes today's date from the caller, never from a clock", () => {
    const form = importXlsForm(workbook([{ type: "date", name: "born", label: "Born", constraint: ". <= today()" }]));
    const state = emptyFormState();
    const on = (today: string) => answerField(form, state, "born", "2026-06-01", { today, instanceId: "i" }).kind;
    expect(on("2026-05-31")).toBe("rejected");
    expect(on("2026-06-01")).toBe("accepted");
  });

  it("asks 'add another?' for a repeat without a count, and computes across instances", () => {
    const form = importXlsForm(
      workbook([
        { type: "begin_repeat", name: "member", label: "Member" },
        { type: "integer", name: "age", label: "Age", constraint: ". < 130" },
        { type: "end_repeat" },
        { type: "calculate", name: "total", calculation: "sum(${age})" },
        { type: "note", name: "n", label: "Total ${total}", relevant: "count(${member}) > 1" },
      ]),
    );
    const env = { today: "2026-11-30", instanceId: "i" };
    let state = emptyFormState();
    const step = (result: ReturnType<typeof answerField>) => {
      if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
      state = result.state;
      return result.next;
    };
    expect(currentStep(form, state, env)).toMatchObject({ kind: "repeat", ref: "member", count: 0 });
    expect(step(answerRepeat(form, state, "member", true, env))).toMatchObject({ kind: "question", ref: "member[1]/age" });
    expect(answerField(form, state, "member[1]/age", "200", env)).toMatchObject({ kind: "rejected", rejection: { code: "constraint" } });
    step(answerField(form, state, "member[1]/age", "30", env));
    step(answerRepeat(form, state, "member", true, env));
    step(answerField(form, state, "member[2]/age", "12", env));
    expect(step(answerRepeat(form, state, "member", false, env))).toMatchObject({ kind: "question", ref: "n" });
    const snapshot = new FormSnapshot(form, state, env);
    expect(snapshot.valueOf(snapshot.field("total")!)).toBe("42");
    const note = snapshot.field("n")!;
    expect(renderText(snapshot, note, (note.node as { label: Record<string, string> }).label, "default")).toBe("Total 42");

    // Back undoes one step at a time: closing the repeat, the last age, adding the second row.
    expect(step(goBack(form, state, env))).toMatchObject({ kind: "repeat", ref: "member", count: 2 });
    expect(step(goBack(form, state, env))).toMatchObject({ kind: "question", ref: "member[2]/age" });
    expect(step(goBack(form, state, env))).toMatchObject({ kind: "repeat", ref: "member", count: 1 });
    expect(state.answers).toEqual({ "member[1]/age": "30" });
  });
});
