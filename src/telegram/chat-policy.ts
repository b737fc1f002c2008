/**
 * Who the bot obeys, and where (SPEC.md `ALLOWED_USER_IDS`, `ALLOWED_CHAT_IDS`): private chats with
 * allowed users; a group only when it is listed, and even there only its allowed users.
 */

export interface ChatPolicy {
  allowedUserIds: ReadonlySet<number>;
  /** Listed groups and supergroups. */
  allowedChatIds: ReadonlySet<number>;
}

/** Where an update came from, as far as the policy cares. */
export interface UpdateOrigin {
  userId: number | undefined;
  chatId: number | undefined;
  /** Telegram's chat type; undefined for updates without a chat (inline queries). */
  chatType: 'private' | 'group' | 'supergroup' | 'channel' | undefined;
}

export type ChatVerdict =
  /** An allowed user in a private chat or a listed group (or with no chat at all). */
  | { kind: 'obey' }
  /**
   * Not an allowed user: nothing runs. `tell` when a refusal is expected and cannot disturb
   * anyone else: a private chat, or no chat at all (a button press answers with a toast).
   */
  | { kind: 'stranger'; tell: boolean }
  /** A group not in ALLOWED_CHAT_IDS: nothing runs, whoever writes; the group is told once. */
  | { kind: 'unlisted-group'; chatId: number }
  /** A channel post: the bot has nothing to say in channels. */
  | { kind: 'channel' };

/** The verdict for one update. Pure: the caller remembers which groups were already told. */
export function decideChat(origin: UpdateOrigin, policy: ChatPolicy): ChatVerdict {
  const allowedUser = origin.userId !== undefined && policy.allowedUserIds.has(origin.userId);
  switch (origin.chatType) {
    case 'channel':
      return { kind: 'channel' };
    case 'group':
    case 'supergroup':
      if (origin.chatId === undefined || !policy.allowedChatIds.has(origin.chatId))
        return { kind: 'unlisted-group', chatId: origin.chatId ?? 0 };
      return allowedUser ? { kind: 'obey' } : { kind: 'stranger', tell: false };
    default:
      return allowedUser ? { kind: 'obey' } : { kind: 'stranger', tell: true };
  }
}

/** Said once in a group that is not listed, so whoever added the bot knows why it stays silent. */
export function unlistedGroupNotice(chatId: number): string {
  return `I only work in groups listed in ALLOWED_CHAT_IDS, so I won't answer here. To use me in this group, add ${chatId} to ALLOWED_CHAT_IDS and restart me.`;
}

/** Remembers which unlisted groups were told, so each hears it once (per run of the bot). */
export class GroupNotices {
  private readonly told = new Set<number>();

  /** True the first time it is asked about `chatId`. */
  firstTime(chatId: number): boolean {
    if (this.told.has(chatId)) return false;
    this.told.add(chatId);
    return true;
  }
}
