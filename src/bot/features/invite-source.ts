/**
 * Where a respondent came from and which study they came for: from a signed /start payload
 * (version 2 names its study; version 1, on QR codes printed before, opens the native study),
 * or a campaign code typed by hand when a client dropped the payload. A forged or altered
 * payload is simply no source and the default study: it never errors and never skips a question.
 */
import { campaignCode, verifyInvite, type Invite } from "../outreach/invite-payload.ts";
import { normalizeCampaignCode } from "../outreach/invite.ts";
import { pseudonymSecret } from "../../platform/config.ts";
import type { Study, StudyCatalog } from "../../studies/study.ts";
import { nativeStudy } from "../../studies/session-study.ts";
import type { Deps } from "../context.ts";

export interface StartTarget {
  /** The invite's campaign code, when the payload is ours. */
  campaign?: string;
  /** The study the person is invited to. */
  study: Study;
  /** Whether the payload named the study (an invite), rather than plain /start. */
  invited: boolean;
}

/** The study an invite opens: the one it names, or (version 1) the native study. */
export function studyOfInvite(studies: StudyCatalog, invite: Invite): Study | undefined {
  return invite.study === undefined ? nativeStudy(studies) : studies.byFormId(invite.study);
}

export function startTarget(payload: string | undefined, deps: Deps): StartTarget {
  const fallback = { study: deps.studies.default, invited: false };
  if (!payload) return fallback;
  const formIds = [...new Set(deps.studies.all().map((study) => study.formId))];
  const invite = verifyInvite(payload, pseudonymSecret(deps.config), formIds);
  if (!invite) return fallback;
  const study = studyOfInvite(deps.studies, invite);
  if (!study) return fallback;
  // Links keep working even if the registry lost the invite (e.g. a restored backup).
  void deps.funnelStore.registerInvite(invite).catch(() => undefined);
  return { campaign: campaignCode(invite), study, invited: true };
}

export function campaignFromTypedText(text: string): string | undefined {
  return normalizeCampaignCode(text);
}
