/** The form's buttons: typed, within Telegram's 64 bytes whatever the form's names, and refused when forged. */
import { describe, expect, it } from "vitest";
import { decodeButton, encodeButton, type Button } from "../../../src/bot/callback-data.ts";
import { questionFingerprint, repeatFingerprint } from "../../../src/bot/form/fingerprint.ts";
import { LONG_NAME } from "./kitchen-form.ts";

const bytes = (data: string) => Buffer.byteLength(data);

describe("form button data", () => {
  const fp = questionFingerprint("a_very_long_form_id_written_by_a_survey_team@2024011501", "household/member[12]/income_sources_other", [
    { name: LONG_NAME, label: { default: "x" }, fields: {} },
  ]);

  it("round-trips every form button kind", () => {
    const buttons: Button[] = [
      { kind: "formChoice", q: fp, index: 0 },
      { kind: "formChoice", q: fp, index: 9999 },
      { kind: "formToggle", q: fp, selected: [0, 2, 5] },
      { kind: "formToggle", q: fp, selected: [] },
      { kind: "formToggle", q: fp, selected: [45], page: 2 },
      { kind: "formPage", q: fp, page: 9, selected: [3, 190] },
      { kind: "formPage", q: fp, page: 0, selected: [] },
      { kind: "formKeep", q: fp },
      { kind: "formDone", q: fp, selected: [1] },
      { kind: "formBlank", q: fp },
      { kind: "formOk", q: fp },
      { kind: "formBack", q: fp },
      { kind: "formRepeat", q: fp, yes: true },
      { kind: "formRepeat", q: fp, yes: false },
    ];
    for (const button of buttons) {
      const data = encodeButton(button);
      expect(bytes(data)).toBeLessThanOrEqual(64);
      expect(decodeButton(data)).toEqual(button);
    }
  });

  it("keeps a fingerprint short and the same for the same question, different for other choices", () => {
    expect(fp).toMatch(/^[A-Za-z0-9_-]{10}$/);
    const again = questionFingerprint("a_very_long_form_id_written_by_a_survey_team@2024011501", "household/member[12]/income_sources_other", [
      { name: LONG_NAME, label: { default: "changed label" }, fields: {} },
    ]);
    expect(again).toBe(fp);
    const filtered = questionFingerprint("a_very_long_form_id_written_by_a_survey_team@2024011501", "household/member[12]/income_sources_other", []);
    expect(filtered).not.toBe(fp);
    expect(questionFingerprint("other@1", "household/member[12]/income_sources_other", [])).not.toBe(filtered);
    expect(repeatFingerprint("s@1", "member", 1)).not.toBe(repeatFingerprint("s@1", "member", 2));
  });

  it("fits a selection among 250 choices in 64 bytes", () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const data = encodeButton({ kind: "formDone", q: fp, selected: all });
    expect(bytes(data)).toBeLessThanOrEqual(64);
    expect(decodeButton(data)).toEqual({ kind: "formDone", q: fp, selected: all });
  });

  it("refuses forged and truncated data", () => {
    const choice = encodeButton({ kind: "formChoice", q: fp, index: 3 });
    expect(decodeButton(choice.replace(/\|3$/, "|-1"))).toBeUndefined();
    expect(decodeButton(choice.replace(/\|3$/, "|x"))).toBeUndefined();
    expect(decodeButton(choice.replace(/\|3$/, ""))).toBeUndefined();
    const done = encodeButton({ kind: "formDone", q: fp, selected: [1, 2] });
    expect(decodeButton(done.replace(/\|[0-9a-z]+$/, "|A!"))).toBeUndefined();
    expect(decodeButton(encodeButton({ kind: "formRepeat", q: fp, yes: true }).replace(/\|y$/, "|maybe"))).toBeUndefined();
    expect(decodeButton(`2${choice.slice(1)}`)).toBeUndefined();
  });

  it("gives every button kind its own tag", () => {
    const kinds: Button[] = [
      { kind: "formChoice", q: "q", index: 1 },
      { kind: "formToggle", q: "q", selected: [1] },
      { kind: "formDone", q: "q", selected: [1] },
      { kind: "formBlank", q: "q" },
      { kind: "formOk", q: "q" },
      { kind: "formKeep", q: "q" },
      { kind: "formPage", q: "q", page: 1, selected: [] },
      { kind: "formBack", q: "q" },
      { kind: "formRepeat", q: "q", yes: true },
      { kind: "answer", q: "q", code: "c" },
      { kind: "toggle", q: "q", code: "c" },
      { kind: "done", q: "q" },
      { kind: "back", q: "q" },
      { kind: "confirm", q: "q", yes: true },
    ];
    for (const button of kinds) expect(decodeButton(encodeButton(button))?.kind).toBe(button.kind);
  });
});
