/**
 * /invite: an outreach worker picks the study (when the deployment runs several), a city, an
 * optional district and types a short campaign label; the bot returns a signed t.me link that
 * opens that study and a printable QR code with the code to type.
 */
import { InputFile } from "grammy";
import { decodeButton } from "../../callback-data.ts";
import { pseudonymSecret } from "../../../platform/config.ts";
import { CampaignCodeTakenError } from "../../outreach/funnel-store.ts";
import { signInvite, workerCode } from "../../outreach/invite-payload.ts";
import { normalizeLabel, type Invite } from "../../outreach/invite.ts";
import { CITIES, DISTRICTS_BY_CITY, isCity, isDistrictOf } from "../../outreach/locations.ts";
import { inviteLink, inviteQrPng } from "../../outreach/qr.ts";
import { chunk, keyboard } from "../../render/keyboard.ts";
import type { DialogContext, StaffDialog } from "./dialog-context.ts";
import { studyByRef, studyRef } from "../../../studies/study-ref.ts";
import type { Study } from "../../../studies/study.ts";

const ANY = "any";
const LABEL_ATTEMPTS = 3;

async function choose(conversation: StaffDialog, step: string): Promise<{ value: string; ctx: DialogContext }> {
  const press = await conversation.waitForCallbackQuery(new RegExp(`^1S\\|${step}\\|`), {
    otherwise: (ctx) => ctx.reply(ctx.t("bot:hint.use_buttons")),
  });
  await press.answerCallbackQuery().catch(() => undefined);
  const button = decodeButton(press.callbackQuery.data);
  return { value: button?.kind === "staffChoice" ? button.value : "", ctx: press };
}

/** The study the link opens: asked only when there is a choice (newest version of each form). */
async function chooseStudy(conversation: StaffDialog, ctx: DialogContext): Promise<Study | undefined> {
  const { studies } = ctx.deps;
  const forms = [...new Set(studies.all().map((study) => study.formId))].map((formId) => studies.byFormId(formId)!);
  if (forms.length === 1) return forms[0];
  await ctx.reply(ctx.t("staff:invite.choose_study"), {
    reply_markup: keyboard(forms.map((study) => [{ label: study.form.title, button: { kind: "staffChoice", step: "study", value: studyRef(study.formId) } }])),
  });
  return studyByRef(studies, (await choose(conversation, "study")).value);
}

export async function inviteDialog(conversation: StaffDialog, ctx: DialogContext): Promise<void> {
  const t = ctx.t;
  const study = await chooseStudy(conversation, ctx);
  if (!study) return;
  await ctx.reply(t("staff:invite.choose_city"), {
    reply_markup: keyboard(CITIES.map((city) => [{ label: t(`survey:q.a_city.o.${city}`), button: { kind: "staffChoice", step: "city", value: city } }])),
  });
  const city = (await choose(conversation, "city")).value;
  if (!isCity(city)) return;

  const districts = DISTRICTS_BY_CITY[city].map((d) => ({ label: t(`survey:q.a_district.o.${d}`), button: { kind: "staffChoice" as const, step: "district", value: d } }));
  await ctx.reply(t("staff:invite.choose_district"), {
    reply_markup: keyboard([...chunk(districts, 2), [{ label: t("staff:invite.any_district"), button: { kind: "staffChoice", step: "district", value: ANY } }]]),
  });
  const picked = (await choose(conversation, "district")).value;
  const district = isDistrictOf(city, picked) ? picked : undefined;

  await ctx.reply(t("staff:invite.ask_label"));
  let label: string | undefined;
  for (let attempt = 0; attempt < LABEL_ATTEMPTS && !label; attempt++) {
    const typed = await conversation.waitFor("message:text");
    label = normalizeLabel(typed.message.text);
    if (!label) await typed.reply(t("staff:invite.bad_label"));
  }
  if (!label) return;

  const secret = pseudonymSecret(ctx.deps.config);
  const invite: Invite = { workerCode: workerCode(ctx.from!.id, secret), city, district, label, study: study.formId };
  const registered = await conversation.external(async () => {
    try {
      return await ctx.deps.funnelStore.registerInvite(invite);
    } catch (error) {
      if (error instanceof CampaignCodeTakenError) return undefined;
      throw error;
    }
  });
  if (!registered) {
    await ctx.reply(t("staff:invite.bad_label"));
    return;
  }
  const link = inviteLink(ctx.me.username, signInvite(invite, secret));
  await ctx.reply(t("staff:invite.ready", { link, code: registered.campaignCode }), { link_preview_options: { is_disabled: true } });
  const png = await conversation.external(async () => (await inviteQrPng(link)).toString("base64"));
  await ctx.replyWithPhoto(new InputFile(Buffer.from(png, "base64"), `${registered.campaignCode}.png`), {
    caption: t("staff:invite.qr_caption", { code: registered.campaignCode }),
  });
}
