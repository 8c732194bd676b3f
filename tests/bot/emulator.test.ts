/**
 * The Bot API emulator, driven by a real grammY bot over HTTP: long polling, the runner, webhooks,
 * uploads, Telegram's limits and injected failures all go through grammY's own client.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BotApiEmulator, type WireUser } from "../../dev/emulator/bot-api-emulator.ts";

let emulator: BotApiEmulator;
let apiRoot: string;
let bot: Bot;
/** Errors the bot's middleware threw; a test that expects none checks this stays empty. */
let botErrors: unknown[];
let alice: WireUser;

beforeEach(async () => {
  emulator = new BotApiEmulator({ botUsername: "migrant_survey_test_bot" });
  ({ apiRoot } = await emulator.start());
  bot = new Bot(emulator.token, { botInfo: emulator.botInfo, client: { apiRoot } });
  botErrors = [];
  bot.catch((error) => void botErrors.push(error.error));
  alice = emulator.user({ id: 5001, first_name: "Alice", language_code: "ru" });
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  await emulator.stop();
});

/** A small bot with the moves a survey bot makes: reply, inline buttons, edit on press, echo. */
function installEchoBot(target: Bot): void {
  target.command("start", (ctx) =>
    ctx.reply(`Welcome! Payload: ${ctx.match || "none"}`, {
      reply_markup: new InlineKeyboard().text("Yes", "answer:yes").text("No", "answer:no"),
    }),
  );
  target.callbackQuery(/^answer:(.+)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: "Saved" });
    await ctx.editMessageText(`You chose ${ctx.match[1]}`);
  });
  target.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
}

function startPolling(target: Bot): void {
  void target.start({ timeout: 30 });
}

describe("long polling with bot.start()", () => {
  it("delivers a command, shows the reply's buttons, and edits the message when a button is pressed", async () => {
    // Without botInfo grammY asks getMe first, so the emulator's identity is what the bot sees.
    bot = new Bot(emulator.token, { client: { apiRoot } });
    bot.catch((error) => void botErrors.push(error.error));
    installEchoBot(bot);
    startPolling(bot);

    emulator.sendCommand(alice, "/start", "ref_42");
    await emulator.waitForIdle(alice.id);
    expect(bot.botInfo.username).toBe("migrant_survey_test_bot");

    const [command, welcome] = emulator.transcript(alice.id);
    expect(command).toMatchObject({ from: "user", text: "/start ref_42" });
    expect(command?.raw.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    expect(welcome).toMatchObject({ from: "bot", text: "Welcome! Payload: ref_42", edited: false });
    expect(welcome?.buttons).toEqual([[{ text: "Yes", callbackData: "answer:yes" }, { text: "No", callbackData: "answer:no" }]]);

    emulator.pressButton(alice, welcome!.messageId, "answer:no", { strict: true });
    await emulator.waitForIdle(alice.id);

    const edited = emulator.transcript(alice.id)[1];
    expect(edited).toMatchObject({ text: "You chose no", edited: true });
    expect(edited?.buttons).toBeUndefined();
    expect(emulator.callbackAnswers(alice.id)).toMatchObject([{ messageId: welcome!.messageId, data: "answer:no", text: "Saved" }]);
    expect(botErrors).toEqual([]);
  });

  it("holds getUpdates open while idle instead of busy-looping, and wakes it when a message arrives", async () => {
    installEchoBot(bot);
    startPolling(bot);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(emulator.callsTo("getUpdates").length).toBeLessThanOrEqual(3);

    const sentAt = performance.now();
    emulator.sendText(alice, "hello");
    const reply = await emulator.waitForBotMessage(alice.id, "echo: hello", { timeoutMs: 1000 });
    expect(performance.now() - sentAt).toBeLessThan(500);
    expect(reply.reply_markup).toBeUndefined();
  });

  it("lets tests press stale and forged buttons, which reach the bot and get Telegram's errors", async () => {
    const pressedOn: unknown[] = [];
    bot.on("callback_query:data", (ctx, next) => {
      pressedOn.push(ctx.callbackQuery.message);
      return next();
    });
    installEchoBot(bot);
    startPolling(bot);
    emulator.sendCommand(alice, "/start");
    const welcome = await emulator.waitForBotMessage(alice.id, "Welcome");
    emulator.pressButton(alice, welcome.message_id, "answer:yes");
    await emulator.waitForIdle(alice.id);

    // The keyboard is gone after the edit, so strict mode refuses the old button...
    expect(() => emulator.pressButton(alice, welcome.message_id, "answer:yes", { strict: true })).toThrow(/No button with data "answer:yes"/);
    // ...but a stale press still reaches the bot, whose identical edit Telegram refuses.
    emulator.pressButton(alice, welcome.message_id, "answer:yes");
    await emulator.waitForIdle(alice.id);
    const lastEdit = emulator.callsTo("editMessageText").at(-1);
    expect(lastEdit?.result).toMatchObject({ ok: false, error_code: 400 });
    expect(botErrors).toHaveLength(1);
    expect(String(botErrors[0])).toContain("message is not modified");

    // A forged button on a message that never existed arrives as an inaccessible message.
    emulator.pressButton(alice, 999, "forged");
    await emulator.waitForIdle(alice.id);
    expect(pressedOn).toHaveLength(3);
    expect(pressedOn[2]).toEqual({ chat: expect.objectContaining({ id: alice.id }), message_id: 999, date: 0 });
  });

  it("delivers a duplicate update_id again, and user edits as edited_message", async () => {
    const received: string[] = [];
    bot.on("message:text", (ctx) => void received.push(`${ctx.update.update_id}:${ctx.message.text}`));
    bot.on("edited_message:text", (ctx) => void received.push(`edit:${ctx.editedMessage.text}`));
    startPolling(bot);

    const original = emulator.sendText(alice, "first");
    await emulator.waitForIdle(alice.id);
    const updateId = Number(received[0]?.split(":")[0]);
    emulator.pushUpdate({ update_id: updateId, message: original });
    await emulator.waitForIdle(alice.id);
    emulator.editMessage(alice, original.message_id, "first, fixed");
    await emulator.waitForIdle(alice.id);

    expect(received).toEqual([`${updateId}:first`, `${updateId}:first`, "edit:first, fixed"]);
    expect(emulator.transcript(alice.id)).toMatchObject([{ text: "first, fixed", edited: true }]);
  });

  it("turns stickers, voice, photos, locations, contacts and group messages into Telegram updates", async () => {
    const seen: string[] = [];
    bot.on("message:sticker", (ctx) => void seen.push(`sticker ${ctx.message.sticker.emoji}`));
    bot.on("message:voice", (ctx) => void seen.push(`voice ${ctx.message.voice.duration}`));
    bot.on("message:location", (ctx) => void seen.push(`location ${ctx.message.location.latitude}`));
    bot.on("message:contact", (ctx) => void seen.push(`contact ${ctx.message.contact.user_id}`));
    bot.on("message:text", (ctx) => void seen.push(`${ctx.chat.type} ${ctx.message.text}`));
    startPolling(bot);

    const group = emulator.group({ id: -100200, title: "Builders" });
    emulator.sendSticker(alice, { emoji: "👍" });
    emulator.sendVoice(alice, { duration: 7 });
    emulator.sendLocation(alice, 43.24, 76.89);
    emulator.sendContact(alice, { phone_number: "+70000000000" });
    emulator.sendToGroup(group, alice, "hi all");
    await emulator.waitForIdle();

    expect(seen).toEqual(["sticker 👍", "voice 7", "location 43.24", `contact ${alice.id}`, "group hi all"]);
    expect(emulator.transcript(group.id)).toMatchObject([{ from: "user", text: "hi all" }]);
  });
});

describe("files", () => {
  it("keeps uploaded bytes and file names, serves them through getFile, and re-sends by file_id", async () => {
    const csv = Buffer.from("id;answer\n1;да\n", "utf8");
    bot.command("report", async (ctx) => {
      const sent = await ctx.replyWithDocument(new InputFile(csv, "отчёт 2026.csv"), { caption: "Your report" });
      await ctx.replyWithDocument(sent.document.file_id);
    });
    bot.on("message:photo", async (ctx) => {
      const file = await ctx.getFile();
      const download = await fetch(`${apiRoot}/file/bot${emulator.token}/${file.file_path}`);
      await ctx.reply(`got ${(await download.arrayBuffer()).byteLength} bytes`);
    });
    startPolling(bot);

    emulator.sendCommand(alice, "/report");
    await emulator.waitForIdle(alice.id);
    emulator.sendPhoto(alice, { bytes: Buffer.alloc(1234, 7), fileName: "receipt.jpg" });
    await emulator.waitForIdle(alice.id);

    const [, upload, resend, photo, photoReply] = emulator.transcript(alice.id);
    expect(upload).toMatchObject({ from: "bot", caption: "Your report", document: { fileName: "отчёт 2026.csv", size: csv.length } });
    expect(resend?.document?.fileId).toBe(upload?.document?.fileId);
    expect(photo).toMatchObject({ from: "user", photo: { fileName: "receipt.jpg" } });
    expect(photoReply?.text).toBe("got 1234 bytes");

    const file = await bot.api.getFile(upload!.document!.fileId);
    const download = await fetch(`${apiRoot}/file/bot${emulator.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(csv);
    expect(emulator.callsTo("sendDocument")[0]?.params).toMatchObject({ document: { upload: "отчёт 2026.csv", size: csv.length } });
    expect(botErrors).toEqual([]);
  });

  it("accepts a plain form upload, as curl or a browser sends it", async () => {
    emulator.sendText(alice, "hi");
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("document", new Blob([Buffer.from("%PDF-1.7 fake")]), "answers.pdf");
    const response = await fetch(`${apiRoot}/bot${emulator.token}/sendDocument`, { method: "POST", body: form });
    const body = (await response.json()) as { ok: boolean; result: { document: { file_id: string; file_name: string; mime_type: string } } };
    expect(body).toMatchObject({ ok: true, result: { document: { file_name: "answers.pdf", mime_type: "application/pdf" } } });
    expect(emulator.file(body.result.document.file_id)?.bytes.toString()).toBe("%PDF-1.7 fake");
  });
});

describe("Telegram's validation, seen through grammY's client", () => {
  it("refuses messages to people who never wrote, too-long text and oversized callback data", async () => {
    await expect(bot.api.sendMessage(alice.id, "hi")).rejects.toThrow("bot can't initiate conversation with a user");
    emulator.sendText(alice, "hi");

    await expect(bot.api.sendMessage(alice.id, "x".repeat(4097))).rejects.toThrow("Bad Request: message is too long");
    const longest = await bot.api.sendMessage(alice.id, "x".repeat(4096));
    expect(longest.text).toHaveLength(4096);

    // 33 Cyrillic letters are 66 bytes: over Telegram's 64-byte limit though only 33 characters.
    const tooMuchData = new InlineKeyboard().text("Да", "д".repeat(33));
    await expect(bot.api.sendMessage(alice.id, "Pick", { reply_markup: tooMuchData })).rejects.toThrow("BUTTON_DATA_INVALID");
    await bot.api.sendMessage(alice.id, "Pick", { reply_markup: new InlineKeyboard().text("Да", "д".repeat(32)) });

    await expect(bot.api.sendMessage(alice.id, "Total: 5.", { parse_mode: "MarkdownV2" })).rejects.toThrow("Character '.' is reserved");
    const bold = await bot.api.sendMessage(alice.id, "<b>Bold</b> &amp; plain", { parse_mode: "HTML" });
    expect(bold).toMatchObject({ text: "Bold & plain", entities: [{ type: "bold", offset: 0, length: 4 }] });

    emulator.blockBot(alice);
    await expect(bot.api.sendMessage(alice.id, "still there?")).rejects.toThrow("Forbidden: bot was blocked by the user");
  });

  it("answers editing errors and refuses to delete messages older than 48 hours", async () => {
    emulator.sendText(alice, "hi");
    const message = await bot.api.sendMessage(alice.id, "Question 1");
    await expect(bot.api.editMessageText(alice.id, message.message_id, "Question 1")).rejects.toThrow("message is not modified");
    await expect(bot.api.editMessageText(alice.id, 4242, "Question 1")).rejects.toThrow("message to edit not found");
    const withButtons = await bot.api.editMessageReplyMarkup(alice.id, message.message_id, { reply_markup: new InlineKeyboard().text("Go", "go") });
    expect(withButtons).toMatchObject({ reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] } });

    emulator.clock.advance(49 * 60 * 60 * 1000);
    await expect(bot.api.deleteMessage(alice.id, message.message_id)).rejects.toThrow("message can't be deleted");
    const fresh = await bot.api.sendMessage(alice.id, "Question 2");
    await bot.api.deleteMessage(alice.id, fresh.message_id);
    await expect(bot.api.deleteMessage(alice.id, fresh.message_id)).rejects.toThrow("message to delete not found");
    expect(emulator.transcript(alice.id).map((entry) => entry.text)).toEqual(["hi", "Question 1"]);
  });

  it("answers unknown methods with 404 and a wrong token with 401, and reads urlencoded bodies", async () => {
    const unknown = await fetch(`${apiRoot}/bot${emulator.token}/sendTelepathy`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });

    const wrongToken = await fetch(`${apiRoot}/bot123:wrong/getMe`);
    expect(await wrongToken.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });

    emulator.sendText(alice, "hi");
    const form = new URLSearchParams({ chat_id: String(alice.id), text: "from a form", reply_markup: JSON.stringify({ remove_keyboard: true }) });
    const sent = await fetch(`${apiRoot}/bot${emulator.token}/sendMessage`, { method: "POST", body: form });
    expect(await sent.json()).toMatchObject({ ok: true, result: { text: "from a form", chat: { id: alice.id } } });
  });

  it("sends venues and locations, checks chat actions, deletes in bulk and stops at groups it left", async () => {
    emulator.sendText(alice, "hi");
    await bot.api.sendVenue(alice.id, 43.2389, 76.8897, "Migration centre", "Almaty, Example st. 1");
    await bot.api.sendLocation(alice.id, 51.16, 71.47);
    await bot.api.sendChatAction(alice.id, "typing");
    await expect(bot.api.sendChatAction(alice.id, "dancing" as "typing")).rejects.toThrow("wrong parameter action in request");
    await bot.api.setChatMenuButton({ chat_id: alice.id, menu_button: { type: "commands" } });
    expect(await bot.api.getChatMenuButton({ chat_id: alice.id })).toEqual({ type: "commands" });

    expect(emulator.transcript(alice.id).slice(1)).toMatchObject([
      { from: "bot", venue: { title: "Migration centre", address: "Almaty, Example st. 1" } },
      { from: "bot", location: { latitude: 51.16, longitude: 71.47 } },
    ]);
    const ids = emulator.transcript(alice.id).map((entry) => entry.messageId);
    expect(await bot.api.deleteMessages(alice.id, [...ids, 999])).toBe(true);
    expect(emulator.transcript(alice.id)).toEqual([]);

    const group = emulator.group({ id: -100300, title: "Night shift" });
    emulator.sendToGroup(group, alice, "hello");
    await bot.api.sendMessage(group.id, "Hi group");
    await bot.api.leaveChat(group.id);
    await expect(bot.api.sendMessage(group.id, "still here?")).rejects.toThrow("Forbidden: bot is not a member of the group chat");
  });

  it("keeps command lists per scope and language", async () => {
    await bot.api.setMyCommands([{ command: "start", description: "Begin" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Начать" }], { language_code: "ru" });
    await bot.api.setMyCommands([{ command: "export", description: "Export" }], { scope: { type: "chat", chat_id: 77 } });
    await expect(bot.api.setMyCommands([{ command: "Bad Command", description: "x" }])).rejects.toThrow("BOT_COMMAND_INVALID");

    expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Начать" }]);
    expect(emulator.commands({ type: "chat", chat_id: 77 })).toEqual([{ command: "export", description: "Export" }]);
    await bot.api.deleteMyCommands({ language_code: "ru" });
    expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([]);
    expect(await bot.api.getMyCommands()).toEqual([{ command: "start", description: "Begin" }]);
  });
});

describe("failures and other ways to receive updates", () => {
  it("fails a call with an injected 429 that @grammyjs/auto-retry waits out and retries", async () => {
    bot.api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 }));
    installEchoBot(bot);
    startPolling(bot);
    emulator.failNext("sendMessage", { error_code: 429, retry_after: 1 });

    emulator.sendText(alice, "busy?");
    await emulator.waitForBotMessage(alice.id, "echo: busy?", { timeoutMs: 4000 });

    const [limited, retried] = emulator.callsTo("sendMessage");
    expect(limited?.result).toEqual({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    expect(retried?.result?.ok).toBe(true);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(botErrors).toEqual([]);
  });

  it("gives the failure to the bot when no retry plugin is installed", async () => {
    installEchoBot(bot);
    startPolling(bot);
    emulator.fail("sendMessage", 2);
    emulator.sendText(alice, "one");
    emulator.sendText(alice, "two");
    emulator.sendText(alice, "three");
    await emulator.waitForIdle(alice.id);
    expect(botErrors.map((error) => (error as GrammyError).error_code)).toEqual([500, 500]);
    expect(emulator.transcript(alice.id).filter((entry) => entry.from === "bot").map((entry) => entry.text)).toEqual(["echo: three"]);
  });

  it("serves the grammY runner's concurrent long polling", async () => {
    installEchoBot(bot);
    const handle = run(bot);
    try {
      const bob = emulator.user({ id: 5002, first_name: "Bob" });
      emulator.sendText(alice, "from alice");
      emulator.sendText(bob, "from bob");
      await emulator.waitForIdle();
      expect(emulator.transcript(alice.id).map((entry) => entry.text)).toEqual(["from alice", "echo: from alice"]);
      expect(emulator.transcript(bob.id).map((entry) => entry.text)).toEqual(["from bob", "echo: from bob"]);
    } finally {
      await handle.stop();
    }
  });

  it("posts updates to a webhook with the secret token and redelivers one the webhook answered with 500", async () => {
    installEchoBot(bot);
    const handleUpdate = webhookCallback(bot, "http", { secretToken: "s3cret_token" });
    const deliveries: { headers: IncomingHttpHeaders; status: number }[] = [];
    const webhook: Server = createServer((request, response) => {
      // The first delivery fails as a crashing bot process would; grammY handles the rest.
      if (deliveries.length === 0) {
        deliveries.push({ headers: request.headers, status: 500 });
        request.resume();
        response.writeHead(500).end();
        return;
      }
      deliveries.push({ headers: request.headers, status: 200 });
      void handleUpdate(request, response);
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = webhook.address() as AddressInfo;
      await bot.api.setWebhook(`http://127.0.0.1:${port}/telegram`, { secret_token: "s3cret_token" });
      await expect(bot.api.getUpdates()).rejects.toThrow("can't use getUpdates method while webhook is active");

      emulator.sendText(alice, "via webhook");
      await emulator.waitForIdle(alice.id);

      expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 200]);
      expect(deliveries.every((delivery) => delivery.headers["x-telegram-bot-api-secret-token"] === "s3cret_token")).toBe(true);
      expect(emulator.transcript(alice.id).map((entry) => entry.text)).toEqual(["via webhook", "echo: via webhook"]);
      const info = await bot.api.getWebhookInfo();
      expect(info).toMatchObject({ url: `http://127.0.0.1:${port}/telegram`, pending_update_count: 0 });
      expect(info.last_error_message).toContain("500");
    } finally {
      await new Promise((resolve) => webhook.close(resolve));
    }
  });

  it("ends a held long poll promptly on stop()", async () => {
    const poll = fetch(`${apiRoot}/bot${emulator.token}/getUpdates?timeout=30`).then(
      (response) => response.json(),
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stoppedAt = performance.now();
    await emulator.stop();
    const outcome = await poll;
    expect(performance.now() - stoppedAt).toBeLessThan(500);
    expect(outcome).toEqual({ ok: true, result: [] });
  });

  it("says what is missing when the bot never picks up an update", async () => {
    emulator.sendText(alice, "anyone?");
    await expect(emulator.waitForIdle(alice.id, { timeoutMs: 200 })).rejects.toThrow(/1 update\(s\) for chat 5001 were never confirmed[\s\S]*#1 user: "anyone\?"/);
    await expect(emulator.waitForBotMessage(alice.id, "reply", { timeoutMs: 100 })).rejects.toThrow(/nothing matched within 100 ms[\s\S]*Pending updates: 1/);
  });
});

