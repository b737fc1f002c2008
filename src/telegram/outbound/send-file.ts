// The chat side of the bridge's send_file: uploads a checked file as a photo or a document. A photo
// Telegram will not take (odd dimensions, too big once it looks) goes again as a document.
import path from 'node:path';
import { type Api, GrammyError, InputFile } from 'grammy';
import type { SendFile, SendFileOutcome } from '../../claude/tools/bridge.ts';
import type { Logger } from '../../logging.ts';

function failure(error: unknown): SendFileOutcome {
  const reason =
    error instanceof GrammyError
      ? `Telegram refused the upload (${error.description}).`
      : 'the upload to Telegram failed (network error); try again.';
  return { kind: 'failed', reason };
}

/** Sends files into `chatId`; the reasons it returns are for Claude to read. */
export function chatFileSender(api: Api, chatId: number, logger: Logger): SendFile {
  return async (file) => {
    const name = path.basename(file.path);
    const options = file.caption ? { caption: file.caption } : {};
    if (file.kind === 'photo') {
      try {
        await api.sendPhoto(chatId, new InputFile(file.path, name), options);
        return { kind: 'sent' };
      } catch (error) {
        if (!(error instanceof GrammyError)) return failure(error);
        logger.info({ description: error.description }, 'photo refused, sending it as a document');
      }
    }
    try {
      await api.sendDocument(chatId, new InputFile(file.path, name), options);
      return { kind: 'sent' };
    } catch (error) {
      return failure(error);
    }
  };
}
