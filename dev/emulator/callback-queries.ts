/** Callback queries from button presses, and how the bot answered them. */
import { randomBytes } from "node:crypto";
import { badRequest } from "./api-error.ts";

export interface CallbackAnswer {
  queryId: string;
  chatId: number;
  messageId: number;
  data: string | undefined;
  text: string | undefined;
  showAlert: boolean;
  url: string | undefined;
}

interface OpenQuery {
  chatId: number;
  messageId: number;
  data: string | undefined;
}

export class CallbackQueries {
  private readonly open = new Map<string, OpenQuery>();
  private readonly answers: CallbackAnswer[] = [];

  /** Returns a new query id, unique like Telegram's (a long decimal string). */
  register(query: OpenQuery): string {
    const id = BigInt(`0x${randomBytes(8).toString("hex")}`).toString();
    this.open.set(id, query);
    return id;
  }

  answer(queryId: string | undefined, answer: { text: string | undefined; showAlert: boolean; url: string | undefined }): void {
    const query = queryId === undefined ? undefined : this.open.get(queryId);
    // Telegram forgets a query once answered, so a second answer gets the same error as a bogus id.
    if (!query || queryId === undefined) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    if (answer.text !== undefined && answer.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    this.open.delete(queryId);
    this.answers.push({ queryId, chatId: query.chatId, messageId: query.messageId, data: query.data, ...answer });
  }

  answersFor(chatId: number): CallbackAnswer[] {
    return this.answers.filter((answer) => answer.chatId === chatId);
  }

  isAnswered(queryId: string): boolean {
    return this.answers.some((answer) => answer.queryId === queryId);
  }
}
