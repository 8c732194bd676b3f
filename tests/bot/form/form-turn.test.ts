/**
 * The form interview's turns without Telegram: the registry shows each question type and reads
 * its answers, texts come in the person's form language, refusals carry the form's own
 * message in that language or ours, and stale buttons are recognised.
 */
import { describe, expect, it } from "vitest";
import type { InlineKeyboard } from "grammy";
import { decodeButton, type Button } from "../../../src/bot/callback-data.ts";
import { formLanguageFor } from "../../../src/bot/form/form-language.ts";
import { formTurn, isFormButton, showCurrent, type FormTurn } from "../../../src/bot/form/form-turn.ts";
import { QUESTION_TYPES, typedDate } from "../../../src/bot/form/question-types.ts";
import { splitForTelegram, type FormAudience } from "../../../src/bot/form/render.ts";
import { emptyFormState, type FormState } from "../../../src/flows/form-engine.ts";
import { QuestionType, type Form } from "../../../src/flows/form.ts";
import { createTranslator, LANGUAGES, type Language } from "../../../src/locales/i18n.ts";
import { kitchenForm, LONG_NAME } from "./kitchen-form.ts";
import { formAnswers } from "../../../src/bot/form/form-record.ts";
import { importXlsForm } from "../../../src/flows/xlsform-import.ts";

const missing: string[] = [];
const translator = createTranslator({ onMissingKey: (lang, key) => missing.push(`${lang} ${key}`) });
const env = { today: "2026-12-01", instanceId: "00000000-0000-4000-a000-000000000001" };
const form = kitchenForm();

function audienceFor(lang: Language, f: Form = form): FormAudience {
  return { study: `${f.id}@${f.version}`, form: f, t: translator.fixed(lang), language: formLanguageFor(f, lang), today: env.today };
}

const buttonsOf = (keyboard: InlineKeyboard | undefined): { label: string; button: Button }[] =>
  (keyboard?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, button: decodeButton("callback_data" in b ? b.callback_data : undefined)! }));

/** A tiny driver: the state, the message on screen, and the last turn. */
class Player {
  state: FormState = emptyFormState();
  readonly audience: FormAudience;
  last: FormTurn | undefined;
  constructor(audience: FormAudience) {
    this.audience = audience;
  }
  get screen() {
    return showCurrent(this.audience, env, this.state);
  }
  private apply(turn: FormTurn): FormTurn {
    this.last = turn;
    if (turn.kind === "moved") this.state = turn.state;
    return turn;
  }
  type(text: string): FormTurn {
    return this.apply(formTurn(this.audience, env, this.state, { kind: "text", text }));
  }
  press(pick: (b: { label: string; button: Button }) => boolean, keyboard = this.screen.message?.keyboard): FormTurn {
    const found = buttonsOf(keyboard).find(pick);
    if (!found) throw new Error(`no such button in ${JSON.stringify(buttonsOf(keyboard).map((b) => b.label))}`);
    if (!isFormButton(found.button)) throw new Error(`not a form button: ${found.button.kind}`);
    return this.apply(formTurn(this.audience, env, this.state, { kind: "press", button: found.button }));
  }
  pressLabel(label: string | RegExp) {
    return this.press((b) => (typeof label === "string" ? b.label === label : label.test(b.label)));
  }
}

describe("the question-type registry", () => {
  it("has an entry for every question type of the form schema", () => {
    expect(Object.keys(QUESTION_TYPES).sort()).toEqual([...QuestionType.options].sort());
  });

  it("reads dates as people type them", () => {
    expect(typedDate("31.12.2024")).toBe("2024-12-31");
    expect(typedDate("1/2/2024")).toBe("2024-02-01");
    expect(typedDate("2024-02-01")).toBe("2024-02-01");
    expect(typedDate("yesterday")).toBe("yesterday");
  });
});

describe("form languages", () => {
  it("maps each bot language to the form's column by its (code) or name, else the default", () => {
    const named = { ...form, languages: ["English (en)", "Русский (ru)", "kazakh", "Oʻzbek", "default"], defaultLanguage: "default" };
    expect(formLanguageFor(named, "en")).toBe("English (en)");
    expect(formLanguageFor(named, "ru")).toBe("Русский (ru)");
    expect(formLanguageFor(named, "kk")).toBe("kazakh");
    expect(formLanguageFor(named, "uz")).toBe("Oʻzbek");
    expect(formLanguageFor(named, "uz-Cyrl")).toBe("Oʻzbek");
    expect(formLanguageFor(named, "ky")).toBe("default");
  });
});

describe("a form interview turn by turn", () => {
  it("asks every type in the person's language and stores what ODK stores", () => {
    const ru = new Player(audienceFor("ru"));
    let screen = ru.screen;
    expect(screen.message!.text).toContain("Любимый цвет?");
    expect(screen.message!.text).toContain(translator.t("ru", "bot:progress.position", { position: 1, total: 7 }));
    const labels = buttonsOf(screen.message!.keyboard).map((b) => b.label);
    expect(labels).toEqual(["Красный", "Синий", translator.t("ru", "bot:buttons.help")]); // required: no Skip; first question: no Back
    expect(ru.type("Зелёный")).toMatchObject({ kind: "refused", text: translator.t("ru", "bot:hint.use_buttons") });
    expect(ru.type("2")).toMatchObject({ kind: "refused", text: translator.t("ru", "bot:hint.use_buttons") }); // not numbered
    const chose = ru.pressLabel("Синий");
    expect(chose).toMatchObject({ kind: "moved" });
    expect(ru.state.answers.colour).toBe(LONG_NAME);
    if (chose.kind === "moved") expect(chose.closed!.text).toContain(translator.t("ru", "bot:question.answered", { answer: "Синий" }));

    screen = ru.screen;
    expect(screen.message!.text).toContain("Ваш возраст?");
    expect(screen.message!.text).toContain("In years."); // no Russian hint: the form's default language
    expect(screen.message!.text).toContain(translator.t("ru", "form:instruction.integer"));
    expect(ru.type("десять")).toMatchObject({ kind: "refused", text: translator.t("ru", "form:refusal.not_an_integer") });
    expect(ru.type("12")).toMatchObject({ kind: "refused", text: "Только взрослые." });
    expect(ru.pressLabel(translator.t("ru", "bot:buttons.back"))).toMatchObject({ kind: "moved" });
    expect(ru.state.answers.colour).toBeUndefined();
    ru.pressLabel("Красный");
    expect(ru.type("1 200")).toMatchObject({ kind: "refused", text: "Только взрослые." });
    expect(ru.type(" 30 ")).toMatchObject({ kind: "moved" });
    expect(ru.state.answers.age).toBe("30");

    // Not required: Skip gives the empty answer.
    expect(ru.screen.message!.text).toContain("Weight in kg?");
    expect(ru.type("0")).toMatchObject({ kind: "refused", text: translator.t("ru", "form:refusal.constraint") });
    ru.pressLabel(translator.t("ru", "form:buttons.skip"));
    expect(ru.state.answers.weight).toBe("");

    expect(ru.screen.message!.text).toContain("Anything to add, 30 years old?");
    ru.type("  Всё хорошо  ");
    expect(ru.state.answers.comment).toBe("Всё хорошо");

    expect(ru.type("31.02.2000")).toMatchObject({ kind: "refused", text: translator.t("ru", "form:refusal.not_a_date", { example: "01.12.2026" }) });
    ru.type("15.03.1996");
    expect(ru.state.answers.born).toBe("1996-03-15");

    // select_multiple: ticks change only the keyboard; an empty Done meets the required check.
    const done = (b: { button: Button }) => b.button.kind === "formDone";
    expect(ru.press(done)).toMatchObject({ kind: "refused", text: translator.t("ru", "form:refusal.required") });
    const tick = ru.pressLabel("⬜ Собака");
    expect(tick.kind).toBe("redrawn");
    const ticked = tick.kind === "redrawn" ? tick.message.keyboard : undefined;
    const second = ru.press((b) => b.label === "⬜ Кошка", ticked);
    const both = second.kind === "redrawn" ? second.message.keyboard : undefined;
    expect(buttonsOf(both).map((b) => b.label)).toContain(translator.t("ru", "bot:buttons.done", { count: 2 }));
    expect(ru.press(done, both)).toMatchObject({ kind: "moved" });
    expect(ru.state.answers.pets).toBe("cat dog");

    // A note continues with nothing; acknowledge answers OK.
    expect(ru.screen.message!.text).toContain("Thank you, 30.");
    ru.pressLabel(translator.t("ru", "bot:buttons.continue"));
    expect(ru.state.answers.hello).toBe("");
    ru.pressLabel(translator.t("ru", "form:buttons.ok"));
    expect(ru.state.answers.ack).toBe("OK");

    // The repeat asks "add another?" in Russian, with the repeat's Russian label.
    expect(ru.screen.message!.text).toContain(translator.t("ru", "form:repeat.first", { label: "Ребёнок" }));
    ru.pressLabel(translator.t("ru", "form:buttons.add_yes"));
    expect(ru.screen.message!.text).toContain("Ребёнок 1");
    expect(buttonsOf(ru.screen.message!.keyboard).map((b) => b.button.kind)).toEqual(["formBack", "help"]);
    ru.type("Аня");
    expect(ru.state.answers["child[1]/child_name"]).toBe("Аня");
    expect(ru.screen.message!.text).toContain(translator.t("ru", "form:repeat.another", { label: "Ребёнок", count: 1 }));
    const end = ru.pressLabel(translator.t("ru", "form:buttons.add_no"));
    expect(end).toMatchObject({ kind: "moved", step: { kind: "completed" } });
    expect(ru.screen.step.kind).toBe("completed");
    expect(ru.type("hello")).toEqual({ kind: "finished" });
  });

  it("takes a choice typed as its label", () => {
    const ru = new Player(audienceFor("ru"));
    expect(ru.type("  синий ")).toMatchObject({ kind: "moved" });
    expect(ru.state.answers.colour).toBe(LONG_NAME);
  });

  it("answers a stale button with the hint and the current question", () => {
    const en = new Player(audienceFor("en"));
    const first = en.screen.message!.keyboard;
    en.pressLabel("Red");
    const again = en.press((b) => b.label === "Red", first);
    expect(again).toEqual({ kind: "refused", text: translator.t("en", "bot:hint.stale_button"), showAgain: true });
    expect(en.state.answers.colour).toBe("red");
  });

  it("uses the form's required message in the person's language, else the form's default, else ours", () => {
    const en = new Player(audienceFor("en"));
    en.pressLabel("Red");
    expect(en.type("")).toMatchObject({ kind: "refused", text: "We need your age." });
    const kk = new Player(audienceFor("kk"));
    expect(kk.screen.message!.text).toContain("Favourite colour?"); // no Kazakh column: the default language
    expect(kk.screen.message!.text).toContain(translator.t("kk", "bot:progress.line", { bar: "░░░░░░░░░░", percent: 0 }));
    kk.pressLabel("Red");
    expect(kk.type("")).toMatchObject({ kind: "refused", text: "We need your age." });
  });

  it("lists long choice labels in the message and numbers the buttons", () => {
    const long = { ...form, choices: { ...form.choices, colours: form.choices.colours!.map((c) => ({ ...c, label: { "English (en)": `${c.name} is a colour with a very long label that a button would cut` } })) } };
    const en = new Player(audienceFor("en", long));
    const text = en.screen.message!.text;
    expect(text).toContain("1. red is a colour");
    expect(buttonsOf(en.screen.message!.keyboard).map((b) => b.label)).toEqual(["1", "2", translator.t("en", "bot:buttons.help")]);
    en.pressLabel("2");
    expect(en.state.answers.colour).toBe(LONG_NAME);
    // Typed instead of tapped: the number of a numbered list.
    const typed = new Player(audienceFor("en", long));
    expect(typed.type("3")).toMatchObject({ kind: "refused" });
    expect(typed.type(" 1 ")).toMatchObject({ kind: "moved" });
    expect(typed.state.answers.colour).toBe("red");
  });

  it("has every text it shows in every language", () => {
    for (const lang of LANGUAGES) {
      const p = new Player(audienceFor(lang));
      expect(p.screen.message!.text.length).toBeGreaterThan(0);
    }
    expect(missing).toEqual([]);
  });
});

describe("the record of a completed form", () => {
  it("holds every relevant question and calculation by reference, as ODK's strings, and nothing not relevant", () => {
    const en = new Player(audienceFor("en"));
    en.pressLabel("Red");
    en.type("19"); // comment is relevant only over 20
    en.pressLabel(translator.t("en", "form:buttons.skip"));
    en.type("2024-02-29");
    en.pressLabel("⬜ Fish");
    const fish = en.last!.kind === "redrawn" ? en.last!.message.keyboard : undefined;
    en.press((b) => b.button.kind === "formDone", fish);
    en.pressLabel(translator.t("en", "bot:buttons.continue"));
    en.pressLabel(translator.t("en", "form:buttons.ok"));
    en.pressLabel(translator.t("en", "form:buttons.add_yes"));
    en.type("Bo");
    en.pressLabel(translator.t("en", "form:buttons.add_yes"));
    en.type("Cy");
    en.pressLabel(translator.t("en", "form:buttons.add_no"));
    expect(en.screen.step.kind).toBe("completed");
    expect(formAnswers(form, en.state, env)).toEqual({
      colour: "red",
      age: "19",
      weight: "",
      born: "2024-02-29",
      pets: "fish",
      ack: "OK",
      "child[1]/child_name": "Bo",
      "child[2]/child_name": "Cy",
      double_age: "38",
    });
  });

  it("names or_other's generated choice and question in the person's language", () => {
    const sheet = (rows: Record<string, string>[]) => rows.map((cells, i) => ({ row: i + 2, cells }));
    const withOther = importXlsForm({
      survey: sheet([{ type: "select_one yn or_other", name: "q", label: "Q?" }]),
      choices: sheet([
        { list_name: "yn", name: "yes", label: "Yes" },
        { list_name: "yn", name: "no", label: "No" },
      ]),
      settings: sheet([{ form_id: "other", version: "1" }]),
      present: { survey: true, choices: true, settings: true },
    });
    const ky = new Player(audienceFor("ky", withOther));
    ky.pressLabel(translator.t("ky", "form:other.choice"));
    expect(ky.screen.message!.text).toContain(translator.t("ky", "form:other.specify"));
    ky.type("Башка нерсе");
    expect(formAnswers(withOther, ky.state, env)).toEqual({ q: "other", q_other: "Башка нерсе" });
  });
});

describe("defaults", () => {
  it("offers the form's default: kept with one tap, ticked in advance, marked among the choices", () => {
    const sheet = (rows: Record<string, string>[]) => rows.map((cells, i) => ({ row: i + 2, cells }));
    const withDefaults = importXlsForm({
      survey: sheet([
        { type: "integer", name: "n", label: "How many?", default: "5" },
        { type: "select_multiple pets", name: "pets", label: "Pets?", default: "cat fish" },
        { type: "select_one pets", name: "best", label: "Best?", default: "dog" },
        { type: "date", name: "d", label: "When?", default: "2024-05-01" },
      ]),
      choices: sheet([
        { list_name: "pets", name: "cat", label: "Cat" },
        { list_name: "pets", name: "dog", label: "Dog" },
        { list_name: "pets", name: "fish", label: "Fish" },
      ]),
      settings: sheet([{ form_id: "defaults", version: "1" }]),
      present: { survey: true, choices: true, settings: true },
    });
    const en = new Player(audienceFor("en", withDefaults));
    expect(en.screen.message!.text).toContain(translator.t("en", "form:instruction.preset", { value: "5" }));
    en.pressLabel(translator.t("en", "form:buttons.keep"));
    expect(en.state.answers.n).toBe("5");
    expect(buttonsOf(en.screen.message!.keyboard).map((b) => b.label).slice(0, 4)).toEqual(["✅ Cat", "⬜ Dog", "✅ Fish", translator.t("en", "bot:buttons.done", { count: 2 })]);
    en.press((b) => b.button.kind === "formDone");
    expect(en.state.answers.pets).toBe("cat fish");
    expect(buttonsOf(en.screen.message!.keyboard).map((b) => b.label).slice(0, 3)).toEqual(["Cat", "🔘 Dog", "Fish"]);
    en.pressLabel("Cat");
    expect(en.state.answers.best).toBe("cat");
    expect(en.screen.message!.text).toContain(translator.t("en", "form:instruction.preset", { value: "01.05.2024" }));
    en.pressLabel(translator.t("en", "form:buttons.keep"));
    expect(en.state.answers.d).toBe("2024-05-01");
    expect(en.screen.step.kind).toBe("completed");
  });
});

describe("long choice lists", () => {
  it("are shown a page at a time; ticks survive turning pages", () => {
    const sheet = (rows: Record<string, string>[]) => rows.map((cells, i) => ({ row: i + 2, cells }));
    const places = Array.from({ length: 50 }, (_, i) => ({ list_name: "places", name: `p${i + 1}`, label: `Place ${i + 1}` }));
    const long = importXlsForm({
      survey: sheet([
        { type: "select_one places", name: "home", label: "Home?" },
        { type: "select_multiple places", name: "visited", label: "Visited?" },
      ]),
      choices: sheet(places),
      settings: sheet([{ form_id: "long", version: "1" }]),
      present: { survey: true, choices: true, settings: true },
    });
    const en = new Player(audienceFor("en", long));
    const first = buttonsOf(en.screen.message!.keyboard).map((b) => b.label);
    expect(first.filter((l) => l.startsWith("Place"))).toHaveLength(20);
    expect(first).toContain("21–40 ▶️");
    const page2 = en.pressLabel("21–40 ▶️");
    expect(page2.kind).toBe("redrawn");
    const keyboard2 = page2.kind === "redrawn" ? page2.message.keyboard : undefined;
    const labels2 = buttonsOf(keyboard2).map((b) => b.label);
    expect(labels2).toEqual(expect.arrayContaining(["Place 21", "Place 40", "◀️ 1–20", "41–50 ▶️"]));
    expect(en.press((b) => b.label === "Place 33", keyboard2)).toMatchObject({ kind: "moved" });
    expect(en.state.answers.home).toBe("p33");

    const tick1 = en.pressLabel("⬜ Place 2");
    const k1 = tick1.kind === "redrawn" ? tick1.message.keyboard : undefined;
    const turned = en.press((b) => b.label === "41–50 ▶️" || b.label === "21–40 ▶️", k1);
    const k2 = turned.kind === "redrawn" ? turned.message.keyboard : undefined;
    const tick2 = en.press((b) => b.label === "⬜ Place 22", k2);
    const k3 = tick2.kind === "redrawn" ? tick2.message.keyboard : undefined;
    expect(buttonsOf(k3).map((b) => b.label)).toContain("✅ Place 22"); // still on page 2 after the tick
    expect(en.press((b) => b.button.kind === "formDone", k3)).toMatchObject({ kind: "moved" });
    expect(en.state.answers.visited).toBe("p2 p22");
  });
});

describe("long texts", () => {
  it("are split into messages Telegram accepts, paragraphs kept whole", () => {
    const paragraph = "word ".repeat(300).trim(); // 1499 characters
    const text = [paragraph, paragraph, paragraph, "x".repeat(5000)].join("\n");
    const parts = splitForTelegram(text);
    for (const part of parts) expect([...part].length).toBeLessThanOrEqual(4096);
    expect(parts.join("\n").replace(/\n/g, "")).toBe(text.replace(/\n/g, ""));
    expect(parts[0]).toBe(`${paragraph}\n${paragraph}`);
    expect(splitForTelegram("short")).toEqual(["short"]);
  });
});
