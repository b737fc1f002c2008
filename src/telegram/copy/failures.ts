/** What the owner hears when handling their update threw: plainly, a full or read-only disk. */

export const HANDLER_FAILED_REPLY =
  "Sorry, that failed on the bot's side (the bot's log has the details). Please try again.";

export const DISK_FULL_REPLY =
  "Sorry, that failed: the disk of the bot's data folder (DATA_DIR) is full, so nothing could be saved. Free some space, then try again.";

export const DISK_READ_ONLY_REPLY =
  "Sorry, that failed: the bot can't write to its data folder (DATA_DIR is read-only or not writable), so nothing could be saved. Fix that, then try again.";

/** The reply for an error a handler threw: a disk that refuses writes is named, anything else is not. */
export function handlerFailedReply(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return DISK_FULL_REPLY;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return DISK_READ_ONLY_REPLY;
  return HANDLER_FAILED_REPLY;
}
