/**
 * Where each field of an imported XLSForm sits, for the export: its reference without repeat
 * indexes (`household/member/age`), the group path above it and the repeats it lies in. A field
 * outside every repeat is a column of data.csv; a field inside one is a column of that repeat's
 * long file (the innermost repeat's).
 */
import type { Form, FormCalculate, FormNode, FormQuestion, FormRepeat, FormUnanswerable } from "../../flows/form.ts";

export type FieldNode = FormQuestion | FormCalculate | FormUnanswerable;

export interface FieldPlace {
  /** The field reference without indexes: `household/member/age`. */
  ref: string;
  node: FieldNode;
  /** Group and repeat names above it, joined by "/" ("" at the top). */
  group: string;
  /** References of the repeats it lies in, outermost first (empty: a column of data.csv). */
  repeats: string[];
}

export interface RepeatPlace {
  ref: string;
  repeat: FormRepeat;
  /** References of the repeats around it, outermost first. */
  outer: string[];
}

export interface FormLayout {
  fields: FieldPlace[];
  repeats: RepeatPlace[];
  /** Field name → its places (a name may repeat in different groups). */
  byName: Map<string, FieldPlace[]>;
}

const layouts = new WeakMap<Form, FormLayout>();

export function layoutOf(form: Form): FormLayout {
  const known = layouts.get(form);
  if (known) return known;
  const layout: FormLayout = { fields: [], repeats: [], byName: new Map() };
  const visit = (nodes: readonly FormNode[], prefix: string, repeats: string[]) => {
    for (const node of nodes) {
      const ref = `${prefix}${node.name}`;
      if (node.kind === "group") visit(node.children, `${ref}/`, repeats);
      else if (node.kind === "repeat") {
        layout.repeats.push({ ref, repeat: node, outer: repeats });
        visit(node.children, `${ref}/`, [...repeats, ref]);
      } else {
        const place: FieldPlace = { ref, node, group: prefix.replace(/\/$/, ""), repeats };
        layout.fields.push(place);
        layout.byName.set(node.name, [...(layout.byName.get(node.name) ?? []), place]);
      }
    }
  };
  visit(form.children, "", []);
  layouts.set(form, layout);
  return layout;
}

/** A field reference without repeat indexes: `household/member[2]/age` → `household/member/age`. */
export const withoutIndexes = (ref: string) => ref.replace(/\[\d+\]/g, "");

/** The `${name}` references of an expression. */
export function referencedNames(expression: string): string[] {
  return [...expression.matchAll(/\$\{\s*([A-Za-z_][\w.-]*)\s*\}/g)].map((m) => m[1]!);
}
