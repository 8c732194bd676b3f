/** Inline keyboards built from typed buttons, so no handler writes raw callback data. */
import { InlineKeyboard } from "grammy";
import { encodeButton, type Button } from "../callback-data.ts";

export interface LabelledButton {
  label: string;
  button: Button;
}

/** Lays out buttons in rows of `perRow`, each row a list of labelled buttons. */
export function keyboard(rows: LabelledButton[][]): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const row of rows) {
    if (row.length === 0) continue;
    for (const { label, button } of row) kb.text(label, encodeButton(button));
    kb.row();
  }
  return kb;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}
