// sendDocument, sendPhoto and getFile. Uploads arrive as multipart parts, either under the field's
// own name or under an `attach://<part>` reference (grammY's shape); a known file_id is reused.
import { z } from 'zod';
import { ApiError, badRequest, consumeRate, type MethodContext, requireChat, validate } from './context.ts';
import { formatted, formattedFields, inlineMarkup, replyTarget, storeBotMessage } from './messages.ts';
import { stringParam, type UploadedFile } from './params.ts';
import type { StoredFile } from './state.ts';

function uploadedFile(ctx: MethodContext, field: 'document' | 'photo'): UploadedFile | StoredFile {
  const direct = ctx.files.get(field);
  if (direct) return direct;
  const reference = ctx.params[field];
  if (typeof reference === 'string' && reference.startsWith('attach://')) {
    const attached = ctx.files.get(reference.slice('attach://'.length));
    if (attached) return attached;
    throw badRequest(`there is no ${field} in the request`);
  }
  if (typeof reference === 'string' && reference !== '') {
    const known = ctx.state.files.get(reference);
    if (known) return known;
    throw badRequest('wrong file identifier/HTTP URL specified');
  }
  throw badRequest(`there is no ${field} in the request`);
}

const mediaParams = z.looseObject({
  caption: stringParam.optional(),
  reply_markup: z.unknown().optional(),
  ...formattedFields,
});

function checkUploadSize(
  ctx: MethodContext,
  field: 'document' | 'photo',
  source: UploadedFile | StoredFile,
): void {
  if (source.bytes.length === 0) throw badRequest('file must be non-empty');
  if ('fileId' in source || source.bytes.length <= ctx.state.uploadLimitBytes[field]) return;
  // Over 50 MB, Telegram's front proxy answers 413 before the Bot API reads the request; a photo over
  // 10 MB gets the Bot API's own 400.
  if (field === 'document') throw new ApiError(413, 'Request Entity Too Large');
  throw badRequest('PHOTO_SAVE_FILE_INVALID');
}

function sendMedia(ctx: MethodContext, field: 'document' | 'photo'): unknown {
  const chat = requireChat(ctx);
  const params = validate(mediaParams, ctx.params);
  const caption = formatted(params.caption, params.parse_mode, params.caption_entities, 'caption');
  const source = uploadedFile(ctx, field);
  checkUploadSize(ctx, field, source);
  const replyMarkup = inlineMarkup(params.reply_markup);
  const replyTo = replyTarget(ctx, chat);
  consumeRate(ctx, chat.id);
  const fileName = 'fileId' in source ? (source.fileName ?? 'file') : source.fileName;
  const mimeType = 'fileId' in source ? source.mimeType : source.mimeType;
  const folder = field === 'document' ? 'documents' : 'photos';
  const stored = ctx.state.storeFile(source.bytes, folder, fileName, mimeType);
  const isHtml = params.parse_mode?.toLowerCase() === 'html' && !params.caption_entities?.length;
  return storeBotMessage(
    ctx,
    chat,
    {
      text: caption.text,
      entities: caption.entities,
      ...(isHtml ? { html: params.caption, parseMode: params.parse_mode } : {}),
      ...(replyMarkup ? { replyMarkup } : {}),
      ...(field === 'document'
        ? { document: { fileName, bytes: source.bytes, ...(mimeType ? { mimeType } : {}) } }
        : { photo: { bytes: source.bytes, fileName } }),
    },
    [stored.fileId],
    replyTo,
  );
}

export const sendDocument = (ctx: MethodContext): unknown => sendMedia(ctx, 'document');
export const sendPhoto = (ctx: MethodContext): unknown => sendMedia(ctx, 'photo');

export function getFile(ctx: MethodContext): unknown {
  const { file_id } = validate(z.looseObject({ file_id: stringParam }), ctx.params);
  const file = ctx.state.files.get(file_id);
  if (!file) throw badRequest('invalid file_id');
  if (file.bytes.length > ctx.state.downloadLimitBytes) throw badRequest('file is too big');
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.bytes.length,
    file_path: file.filePath,
  };
}
