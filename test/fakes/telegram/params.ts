// Reads a Bot API request's parameters from the query string and the body (JSON, urlencoded or
// multipart), the way the Bot API server accepts them.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { parseMultipart } from './multipart.ts';

export interface UploadedFile {
  fieldName: string;
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

export interface RequestParams {
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;
const jsonObject = z.record(z.string(), z.unknown());

export class BadRequestBody extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestBody('Request Entity Too Large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export async function readParams(req: IncomingMessage, url: URL): Promise<RequestParams> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  if (body.length === 0) return { params, files };

  if (contentType.startsWith('application/json')) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadRequestBody("can't parse JSON object");
    }
    const parsed = jsonObject.safeParse(decoded);
    if (!parsed.success) throw new BadRequestBody("can't parse JSON object");
    Object.assign(params, parsed.data);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (contentType.startsWith('multipart/form-data')) {
    const parts = parseMultipart(body, contentType);
    if (!parts) throw new BadRequestBody("can't parse multipart/form-data");
    for (const part of parts) {
      if (part.fileName === undefined) {
        params[part.name] = part.body.toString('utf8');
      } else {
        files.set(part.name, {
          fieldName: part.name,
          fileName: part.fileName,
          mimeType: part.contentType || 'application/octet-stream',
          bytes: part.body,
        });
      }
    }
  }
  return { params, files };
}

/** Form fields arrive as strings; JSON bodies carry real types. Both must validate the same. */
export const intParam = z.preprocess(
  (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value),
  z.number().int(),
);

export const boolParam = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);

/** A parameter that is JSON-serialized in form bodies and a plain value in JSON bodies. */
export function jsonParam<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
}

export const stringParam = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string(),
);
