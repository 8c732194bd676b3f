/**
 * The command menu Telegram shows, in each language, through the commands plugin.
 * Staff commands are added only to the menus of staff chats. A failure here is logged and
 * never stops the bot: the commands work whether or not the menu shows them.
 */
import { CommandGroup } from "@grammyjs/commands";
import type { Api } from "grammy";
import type { LanguageCode } from "grammy/types";
import { SOURCE_LANGUAGES, type Translator } from "../locales/i18n.ts";
import type { BotContext } from "./context.ts";
import type { Logger } from "../platform/logger.ts";

export const RESPONDENT_COMMANDS = ["start", "language", "help", "back", "stop", "privacy", "delete"] as const;
export const STAFF_COMMANDS = ["invite", "stats", "export", "exports", "dashboard"] as const;

export function commandMenu(translator: Translator, staffChatIds: readonly number[]): CommandGroup<BotContext> {
  const group = new CommandGroup<BotContext>();
  const describe = (name: string, key: string) => {
    const command = group.command(name, translator.t("en", key));
    for (const lang of SOURCE_LANGUAGES) if (lang !== "en") command.localize(lang as LanguageCode, name, translator.t(lang, key));
    return command;
  };
  // A chat's own menu replaces the default one in Telegram, so staff chats list both kinds.
  for (const name of RESPONDENT_COMMANDS) {
    const command = describe(name, `bot:commands.${name}`).addToScope({ type: "default" });
    for (const chatId of staffChatIds) command.addToScope({ type: "chat", chat_id: chatId });
  }
  if (staffChatIds.length === 0) return group;
  for (const name of STAFF_COMMANDS) {
    const command = describe(name, `staff:commands.${name}`);
    for (const chatId of staffChatIds) command.addToScope({ type: "chat", chat_id: chatId });
  }
  return group;
}

export async function registerCommands(api: Api, menu: CommandGroup<BotContext>, logger: Logger): Promise<void> {
  try {
    await menu.setCommands({ api });
  } catch (error) {
    logger.warn({ err: error, event: "set_commands_failed" }, "could not register the command menu; commands still work");
  }
}
