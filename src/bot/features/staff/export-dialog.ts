/**
 * /export: an analyst picks the study (when the deployment runs several), formats, a city (for
 * a study with a city question) and a period with buttons; the request becomes a BullMQ job
 * naming the study, and a status message follows it until the zip arrives as a document.
 * /exports: recent exports, each fetchable again while within EXPORT_TTL_DAYS.
 */
import { InputFile } from "grammy";
import { EXPORT_FORMATS, type ExportFormat } from "../../../export/build-zip.ts";
import { enqueueExport } from "../../../export/jobs.ts";
import type { ExportEntry } from "../../../export/export-files.ts";
import { lastDays } from "../../../records/record.ts";
import type { BotContext } from "../../context.ts";
import { decodeButton } from "../../callback-data.ts";
import { keyboard, type LabelledButton } from "../../render/keyboard.ts";
import type { DialogContext, StaffDialog } from "./dialog-context.ts";
import type { Study } from "../../../studies/study.ts";

const CITIES = ["almaty", "astana", "shymkent"] as const;
const PERIODS = { all: undefined, "7": 7, "30": 30 } as const;
type Period = keyof typeof PERIODS;

const FORMAT_LABELS: Record<ExportFormat, string> = { csv: "CSV", xlsx: "Excel (XLSX)", sps: "SPSS (.sps)", codebook: "Codebook", summary: "Summary tables" };

function formatKeyboard(ctx: DialogContext, chosen: Set<ExportFormat>, partial: boolean, offersPartial: boolean) {
  const rows: LabelledButton[][] = EXPORT_FORMATS.map((format) => [
    { label: `${chosen.has(format) ? "✅" : "⬜"} ${FORMAT_LABELS[format]}`, button: { kind: "staffChoice", step: "format", value: format } },
  ]);
  // Interviews that stopped for good (issue 17) are left out unless ticked here; only the
  // native study keeps them so far.
  if (offersPartial) rows.push([{ label: `${partial ? "✅" : "⬜"} ${ctx.t("reminders:export_partial")}`, button: { kind: "staffChoice", step: "format", value: "partial" } }]);
  rows.push([{ label: ctx.t("staff:export.next"), button: { kind: "staffChoice", step: "format", value: "next" } }]);
  return keyboard(rows);
}


/** A study as its button shows it: the form's title and version (the survey team's own words). */
const studyLabel = (study: Study) => `${study.form.title || study.formId} · ${study.version}`;

/** The study to export: the only one, or the one the analyst taps (buttons carry its position). */
async function chooseStudy(conversation: StaffDialog, ctx: DialogContext): Promise<Study> {
  const studies = ctx.deps.studies.all();
  if (studies.length === 1) return studies[0]!;
  await ctx.reply(ctx.t("staff:export.choose_study"), {
    reply_markup: keyboard(studies.map((study, i) => [{ label: studyLabel(study), button: { kind: "staffChoice" as const, step: "study", value: String(i) } }])),
  });
  const press = await conversation.waitForCallbackQuery(/^1S\|study\|/, { otherwise: (c) => c.reply(c.t("bot:hint.use_buttons")) });
  await press.answerCallbackQuery().catch(() => undefined);
  const button = decodeButton(press.callbackQuery.data);
  return (button?.kind === "staffChoice" ? studies[Number(button.value)] : undefined) ?? ctx.deps.studies.default;
}

export async function exportDialog(conversation: StaffDialog, ctx: DialogContext): Promise<void> {
  const t = ctx.t;
  const study = await chooseStudy(conversation, ctx);
  const offersPartial = study.kind === "native";
  // Every format is ticked at first: most analysts want the whole set.
  const chosen = new Set<ExportFormat>(EXPORT_FORMATS);
  let partial = false;
  const picker = await ctx.reply(t("staff:export.choose_formats"), { reply_markup: formatKeyboard(ctx, chosen, partial, offersPartial) });
  for (;;) {
    const press = await conversation.waitForCallbackQuery(/^1S\|format\|/, { otherwise: (c) => c.reply(c.t("bot:hint.use_buttons")) });
    const button = decodeButton(press.callbackQuery.data);
    const value = button?.kind === "staffChoice" ? button.value : "";
    if (value === "next") {
      if (chosen.size > 0) {
        await press.answerCallbackQuery().catch(() => undefined);
        break;
      }
      await press.answerCallbackQuery({ text: t("staff:export.pick_one_format") }).catch(() => undefined);
      continue;
    }
    const format = EXPORT_FORMATS.find((f) => f === value);
    if (format) chosen.has(format) ? chosen.delete(format) : chosen.add(format);
    if (value === "partial" && offersPartial) partial = !partial;
    await press.answerCallbackQuery().catch(() => undefined);
    await ctx.api.editMessageReplyMarkup(picker.chat.id, picker.message_id, { reply_markup: formatKeyboard(ctx, chosen, partial, offersPartial) }).catch(() => undefined);
  }

  // The city filter is the native study's (its policy names a city question); a form study has none.
  let city: (typeof CITIES)[number] | undefined;
  if (study.kind === "native" && study.policy.cityQuestion !== undefined) {
    await ctx.reply(t("staff:export.choose_city"), {
      reply_markup: keyboard([
        [{ label: t("staff:export.all_cities"), button: { kind: "staffChoice", step: "city", value: "all" } }],
        ...CITIES.map((c) => [{ label: t(`survey:q.a_city.o.${c}`), button: { kind: "staffChoice" as const, step: "city", value: c } }]),
      ]),
    });
    const cityPress = await conversation.waitForCallbackQuery(/^1S\|city\|/, { otherwise: (c) => c.reply(c.t("bot:hint.use_buttons")) });
    await cityPress.answerCallbackQuery().catch(() => undefined);
    const cityButton = decodeButton(cityPress.callbackQuery.data);
    city = cityButton?.kind === "staffChoice" ? CITIES.find((c) => c === cityButton.value) : undefined;
  }

  await ctx.reply(t("staff:export.choose_period"), {
    reply_markup: keyboard([
      [{ label: t("staff:export.period_all"), button: { kind: "staffChoice", step: "period", value: "all" } }],
      [{ label: t("staff:export.period_7"), button: { kind: "staffChoice", step: "period", value: "7" } }],
      [{ label: t("staff:export.period_30"), button: { kind: "staffChoice", step: "period", value: "30" } }],
    ]),
  });
  const periodPress = await conversation.waitForCallbackQuery(/^1S\|period\|/, { otherwise: (c) => c.reply(c.t("bot:hint.use_buttons")) });
  await periodPress.answerCallbackQuery().catch(() => undefined);
  const periodButton = decodeButton(periodPress.callbackQuery.data);
  const period: Period = periodButton?.kind === "staffChoice" && periodButton.value in PERIODS ? (periodButton.value as Period) : "all";

  const now = new Date(await conversation.now());
  const days = PERIODS[period];
  const status = await ctx.reply(t("staff:export.queued"));
  await conversation.external(async () => {
    const { deps } = ctx;
    await enqueueExport(
      deps.exportQueue,
      {
        requestedBy: deps.pseudonyms.of("analyst", ctx.from!.id),
        chatId: ctx.chat!.id,
        statusMessageId: status.message_id,
        request: {
          formats: [...chosen],
          ...(city ? { city } : {}),
          ...(days ? lastDays(days, now) : {}),
          ...(partial ? { partial: true } : {}),
        },
        requestedAt: now.toISOString(),
        lang: ctx.lang,
        study: study.key,
      },
      { keepDays: deps.config.EXPORT_TTL_DAYS, codec: deps.codec },
    );
  });
}

/** A recent export's button: its day, rows and formats, and its study's form id when several run. */
function exportLabel(ctx: BotContext, entry: ExportEntry): string {
  const several = ctx.deps.studies.all().length > 1;
  const study = several && entry.study ? `${ctx.deps.studies.byKey(entry.study)?.formId ?? entry.study} · ` : "";
  return `${study}${entry.finishedAt.slice(0, 10)} · ${entry.rows} · ${entry.formats.join(",")}`;
}

export async function listExports(ctx: BotContext): Promise<void> {
  const recent = await ctx.deps.exportFiles.recent(ctx.chat!.id);
  if (recent.length === 0) {
    await ctx.reply(ctx.t("staff:export.none_recent", { days: ctx.deps.config.EXPORT_TTL_DAYS }));
    return;
  }
  await ctx.reply(ctx.t("staff:export.recent_title"), {
    reply_markup: keyboard(
      recent.map((file) => [
        { label: exportLabel(ctx, file.entry), button: { kind: "staffChoice", step: "refetch", value: file.entry.jobId } },
      ]),
    ),
  });
}

export async function resendExport(ctx: BotContext, jobId: string): Promise<void> {
  await ctx.answerCallbackQuery().catch(() => undefined);
  const file = await ctx.deps.exportFiles.fileFor(ctx.chat!.id, jobId);
  if (!file) {
    await ctx.reply(ctx.t("staff:export.expired"));
    return;
  }
  await ctx.replyWithDocument(new InputFile(file.path, file.fileName));
}
