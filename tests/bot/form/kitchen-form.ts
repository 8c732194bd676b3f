/** A small bilingual form with every question type, a repeat and long choice names, for the form-bot tests. */
import { importXlsForm } from "../../../src/flows/xlsform-import.ts";
import type { SheetRow, XlsFormRows } from "../../../src/flows/xlsform-sheets.ts";
import type { Form } from "../../../src/flows/form.ts";

const sheet = (rows: Record<string, string>[]): SheetRow[] => rows.map((cells, i) => ({ row: i + 2, cells }));

export const LONG_NAME = "a_choice_name_that_is_far_too_long_to_fit_in_telegram_button_data_x";

export function kitchenForm(): Form {
  const rows: XlsFormRows = {
    survey: sheet([
      { type: "select_one colours", name: "colour", "label::English (en)": "Favourite colour?", "label::Русский (ru)": "Любимый цвет?", required: "yes" },
      {
        type: "integer",
        name: "age",
        "label::English (en)": "Your age?",
        "label::Русский (ru)": "Ваш возраст?",
        "hint::English (en)": "In years.",
        constraint: ". >= 18 and . < 120",
        "constraint_message::English (en)": "Only adults, please.",
        "constraint_message::Русский (ru)": "Только взрослые.",
        required: "yes",
        "required_message::English (en)": "We need your age.",
      },
      { type: "decimal", name: "weight", "label::English (en)": "Weight in kg?", constraint: ". > 0" },
      { type: "text", name: "comment", "label::English (en)": "Anything to add, ${age} years old?", relevant: "${age} > 20" },
      { type: "date", name: "born", "label::English (en)": "Date of birth?" },
      { type: "select_multiple pets", name: "pets", "label::English (en)": "Pets?", "label::Русский (ru)": "Питомцы?", required: "yes" },
      { type: "note", name: "hello", "label::English (en)": "Thank you, ${age}." },
      { type: "acknowledge", name: "ack", "label::English (en)": "Ready?", required: "yes" },
      { type: "begin_repeat", name: "child", "label::English (en)": "Child", "label::Русский (ru)": "Ребёнок" },
      { type: "text", name: "child_name", "label::English (en)": "Child's name?", required: "yes" },
      { type: "end_repeat" },
      { type: "calculate", name: "double_age", calculation: "${age} * 2" },
    ]),
    choices: sheet([
      { list_name: "colours", name: "red", "label::English (en)": "Red", "label::Русский (ru)": "Красный" },
      { list_name: "colours", name: LONG_NAME, "label::English (en)": "Blue", "label::Русский (ru)": "Синий" },
      { list_name: "pets", name: "cat", "label::English (en)": "Cat", "label::Русский (ru)": "Кошка" },
      { list_name: "pets", name: "dog", "label::English (en)": "Dog", "label::Русский (ru)": "Собака" },
      { list_name: "pets", name: "fish", "label::English (en)": "Fish", "label::Русский (ru)": "Рыба" },
    ]),
    settings: sheet([{ form_id: "kitchen", version: "7", default_language: "English (en)" }]),
    present: { survey: true, choices: true, settings: true },
  };
  return importXlsForm(rows);
}
