/**
 * The XLSForm importer and the form engine on a generated 500-question form: importing the
 * workbook must take under a second, and an answer at question 500 must cost no more than
 * 1.2× an answer at question 1 (each step re-evaluates the form once, whatever the position).
 */
import ExcelJS from "exceljs";
import { answerField, currentStep, emptyFormState, type FormEnvironment, type FormState } from "../src/flows/form-engine.ts";
import type { Form } from "../src/flows/form.ts";
import { importXlsForm } from "../src/flows/xlsform-import.ts";
import { readXlsFormRows } from "../src/flows/xlsform-sheets.ts";
import { compare, line, timeAsync, timeSync } from "./measure.ts";

const QUESTIONS = 500;
const env: FormEnvironment = { today: "2026-11-30", instanceId: "uuid:bench" };

/** A form shaped like the corpus's household surveys: groups of 10, selects, numbers with constraints, skips. */
export async function generatedWorkbook(questions = QUESTIONS): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const survey = workbook.addWorksheet("survey");
  survey.addRow(["type", "name", "label::English (en)", "label::Russian (ru)", "relevant", "constraint", "constraint_message::English (en)", "required", "calculation"]);
  for (let i = 0; i < questions; i++) {
    if (i % 10 === 0) survey.addRow(["begin_group", `g${i / 10}`, `Part ${i / 10}`, `Часть ${i / 10}`, i > 0 ? `\${q${i - 5}} != 'no'` : ""]);
    const kind = i % 4;
    // Skips that read earlier answers whether or not they are given, so early and late steps evaluate alike.
    const relevant = i > 2 && i % 3 === 0 ? `\${q${i - 2}} != 'no' and not(selected(\${q${i - 3}}, 'dk'))` : "";
    if (kind === 0) survey.addRow(["select_one yes_no", `q${i}`, `Question ${i}?`, `Вопрос ${i}?`, relevant, "", "", "yes"]);
    if (kind === 1) survey.addRow(["integer", `q${i}`, `How many ${i}?`, `Сколько ${i}?`, relevant, ". >= 0 and . <= 100", "0 to 100", "yes"]);
    if (kind === 2) survey.addRow(["select_multiple things", `q${i}`, `Which ${i}?`, `Какие ${i}?`, relevant, "not(selected(., 'none') and count-selected(.) > 1)", "none alone", "yes"]);
    if (kind === 3) survey.addRow(["text", `q${i}`, `Say ${i}`, `Скажите ${i}`, relevant, "string-length(.) <= 200"]);
    if (i % 10 === 9) {
      survey.addRow(["calculate", `c${i}`, "", "", "", "", "", "", `if(\${q${i - 8}} > 10, concat('many ', \${q${i - 8}}), 'few')`]);
      survey.addRow(["end_group", `g${(i - 9) / 10}`]);
    }
  }
  const choices = workbook.addWorksheet("choices");
  choices.addRow(["list_name", "name", "label::English (en)", "label::Russian (ru)"]);
  for (const [list, name] of [["yes_no", "yes"], ["yes_no", "no"], ["yes_no", "dk"], ["things", "a"], ["things", "b"], ["things", "c"], ["things", "none"]]) {
    choices.addRow([list, name, name, name]);
  }
  const settings = workbook.addWorksheet("settings");
  settings.addRow(["form_id", "version"]);
  settings.addRow(["bench_500", "1"]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function plain(form: Form, state: FormState): { ref: string; value: string | string[] } | undefined {
  const step = currentStep(form, state, env);
  if (step.kind !== "question") return undefined;
  const value = { select_one: "yes", select_multiple: ["a", "b"], integer: "50", decimal: "1.5", text: "fine", date: "2020-01-01", note: "", acknowledge: "OK" }[step.question.type];
  return { ref: step.ref, value };
}

export async function benchFormEngine(): Promise<{ importMs: number; ratio: number }> {
  const bytes = await generatedWorkbook();
  let form: Form | undefined;
  const times: number[] = [];
  // One warm-up import (the first call also compiles exceljs's reader), then the median of five.
  form = importXlsForm(await readXlsFormRows(bytes), { fileName: "bench.xlsx" });
  for (let i = 0; i < 5; i++) times.push(await timeAsync(async () => void (form = importXlsForm(await readXlsFormRows(bytes), { fileName: "bench.xlsx" }))));
  // The median of five imports, reading the workbook bytes included.
  const importTime = [...times].sort((a, b) => a - b)[2]!;
  const steps: { state: FormState; ref: string; value: string | string[] }[] = [];
  let state = emptyFormState();
  for (let next = plain(form!, state); next; next = plain(form!, state)) {
    steps.push({ state, ...next });
    const result = answerField(form!, state, next.ref, next.value, env);
    if (result.kind !== "accepted") throw new Error(`the benchmark path was refused at ${next.ref}`);
    state = result.state;
  }
  const first = steps[0]!;
  const last = steps.at(-1)!;
  const answer = (s: (typeof steps)[number]) => () => void answerField(form!, s.state, s.ref, s.value, env);
  const iterations = 20;
  timeSync(iterations, answer(first));
  timeSync(iterations, answer(last));
  const result = await compare(21, () => timeSync(iterations, answer(last)), () => timeSync(iterations, answer(first)));
  line(`form importer: ${QUESTIONS}-question XLSForm (< 1000 ms)`, `${importTime.toFixed(0)} ms`);
  line(`form engine: answer at question ${steps.length} vs question 1 (≤ 1.20)`, `${result.ratio.toFixed(2)}×`);
  line("form engine: one answer on a 500-question form", `${(result.b / iterations).toFixed(2)} ms`);
  return { importMs: importTime, ratio: result.ratio };
}
