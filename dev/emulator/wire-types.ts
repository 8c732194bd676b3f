/**
 * The Bot API objects the emulator produces, as plain JSON shapes. They follow Telegram's field
 * names so grammY parses them as it would real ones; only the fields the emulator fills are listed.
 */

export interface WireUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface WireChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface WireEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface WireInlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [other: string]: unknown;
}

export interface WireInlineKeyboard {
  inline_keyboard: WireInlineButton[][];
}

export interface WireFileRef {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

export interface WirePhotoSize extends WireFileRef {
  width: number;
  height: number;
}

export interface WireDocument extends WireFileRef {
  file_name?: string;
  mime_type?: string;
}

export interface WireLocation {
  latitude: number;
  longitude: number;
}

export interface WireMessage {
  message_id: number;
  date: number;
  chat: WireChat;
  from?: WireUser;
  edit_date?: number;
  text?: string;
  entities?: WireEntity[];
  caption?: string;
  caption_entities?: WireEntity[];
  reply_markup?: WireInlineKeyboard;
  reply_to_message?: WireMessage;
  link_preview_options?: Record<string, unknown>;
  has_protected_content?: true;
  photo?: WirePhotoSize[];
  document?: WireDocument;
  sticker?: WireFileRef & { type: "regular"; width: number; height: number; is_animated: boolean; is_video: boolean; emoji?: string };
  voice?: WireFileRef & { duration: number; mime_type?: string };
  location?: WireLocation;
  venue?: { location: WireLocation; title: string; address: string };
  contact?: { phone_number: string; first_name: string; last_name?: string; user_id?: number };
}

/** A message that is no longer available to the bot (Telegram sends `date: 0`). */
export interface WireInaccessibleMessage {
  chat: WireChat;
  message_id: number;
  date: 0;
}

export interface WireCallbackQuery {
  id: string;
  from: WireUser;
  message?: WireMessage | WireInaccessibleMessage;
  chat_instance: string;
  data?: string;
}

/** An update as delivered; tests may push any raw shape through pushUpdate(). */
export interface WireUpdate {
  update_id: number;
  message?: WireMessage;
  edited_message?: WireMessage;
  callback_query?: WireCallbackQuery;
  [other: string]: unknown;
}
