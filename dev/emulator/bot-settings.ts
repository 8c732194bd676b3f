/** The bot's command lists (per scope and language) and chat menu buttons, as set through the API. */
import { badRequest } from "./api-error.ts";

export interface BotCommand {
  command: string;
  description: string;
}

export interface CommandScope {
  type: string;
  chat_id?: number | string;
  user_id?: number;
}

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const SCOPE_TYPES = ["default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"];

export class BotSettings {
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, Record<string, unknown>>();

  setCommands(commands: unknown, scope: CommandScope | undefined, languageCode: string | undefined): void {
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest("too many commands");
    const checked = commands.map((raw): BotCommand => {
      const entry = raw as Partial<BotCommand> | null;
      const command = typeof entry?.command === "string" ? entry.command.replace(/^\//, "") : "";
      if (!COMMAND_NAME.test(command)) throw badRequest("BOT_COMMAND_INVALID");
      const description = typeof entry?.description === "string" ? entry.description : "";
      if (description.length < 1 || description.length > 256) throw badRequest("command description is empty or too long");
      return { command, description };
    });
    this.commands.set(commandsKey(scope, languageCode), checked);
  }

  getCommands(scope: CommandScope | undefined, languageCode: string | undefined): BotCommand[] {
    return this.commands.get(commandsKey(scope, languageCode)) ?? [];
  }

  deleteCommands(scope: CommandScope | undefined, languageCode: string | undefined): void {
    this.commands.delete(commandsKey(scope, languageCode));
  }

  setMenuButton(chatId: number | undefined, button: Record<string, unknown> | undefined): void {
    const value = button ?? { type: "default" };
    if (!["commands", "web_app", "default"].includes(String(value["type"]))) throw badRequest("can't parse menu button JSON object");
    this.menuButtons.set(chatId === undefined ? "default" : String(chatId), value);
  }

  getMenuButton(chatId: number | undefined): Record<string, unknown> {
    const specific = chatId === undefined ? undefined : this.menuButtons.get(String(chatId));
    return specific ?? this.menuButtons.get("default") ?? { type: "commands" };
  }
}

/** Telegram keeps one list per exact (scope, language) pair; it does not merge them. */
function commandsKey(scope: CommandScope | undefined, languageCode: string | undefined): string {
  const type = scope?.type ?? "default";
  if (!SCOPE_TYPES.includes(type)) throw badRequest("wrong bot command scope type specified");
  const language = languageCode ?? "";
  if (language !== "" && !/^[a-z]{2}$/.test(language)) throw badRequest("invalid language code specified");
  return JSON.stringify([type, scope?.chat_id ?? null, scope?.user_id ?? null, language]);
}
