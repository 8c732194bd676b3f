/**
 * Where a respondent came from, as an invite's campaign code: from a signed /start payload,
 * or typed by hand when a client dropped the payload. A forged or altered payload is simply
 * no source: it never errors and never skips a question.
 */
import { campaignCode, verifyInvite } from "../outreach/invite-payload.ts";
import { normalizeCampaignCode } from "../outreach/invite.ts";
import { pseudonymSecret } from "../../platform/config.ts";
import type { Deps } from "../context.ts";

export function campaignFromStartPayload(payload: string | undefined, deps: Deps): string | undefined {
  if (!payload) return undefined;
  const invite = verifyInvite(payload, pseudonymSecret(deps.config));
  if (!invite) return undefined;
  // Links keep working even if the registry lost the invite (e.g. a restored backup).
  void deps.funnelStore.registerInvite(invite).catch(() => undefined);
  return campaignCode(invite);
}

export function campaignFromTypedText(text: string): string | undefined {
  return normalizeCampaignCode(text);
}
