// Plain-fetch Bot API calls for the fake's own tests: no client library between the test and the wire.
import { z } from 'zod';

export const apiReply = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number() }).partial().optional(),
});
export type ApiReply = z.infer<typeof apiReply> & { status: number };

export type Encoding = 'json' | 'form' | 'query';

export async function callApi(
  target: { apiRoot: string; token: string },
  method: string,
  params: Record<string, unknown> = {},
  encoding: Encoding = 'json',
): Promise<ApiReply> {
  const url = new URL(`${target.apiRoot}/bot${target.token}/${method}`);
  const asStrings = Object.entries(params).map(
    ([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)] as [string, string],
  );
  let response: Response;
  if (encoding === 'query') {
    for (const [key, value] of asStrings) url.searchParams.set(key, value);
    response = await fetch(url);
  } else if (encoding === 'form') {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams(asStrings) });
  } else {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  }
  return { ...apiReply.parse(await response.json()), status: response.status };
}

/** A multipart upload, the body built by hand: Node's FormData takes seconds to serialize 50 MB. */
export async function upload(
  target: { apiRoot: string; token: string },
  method: 'sendDocument' | 'sendPhoto',
  fields: Record<string, string>,
  file: { field: string; name: string; bytes: Buffer },
): Promise<ApiReply> {
  const boundary = `fake-telegram-${Date.now().toString(36)}`;
  const part = (disposition: string, body: Buffer) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; ${disposition}\r\n\r\n`),
      body,
      Buffer.from('\r\n'),
    ]);
  const body = Buffer.concat([
    ...Object.entries(fields).map(([key, value]) => part(`name="${key}"`, Buffer.from(value))),
    part(`name="${file.field}"; filename="${file.name}"`, file.bytes),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const response = await fetch(`${target.apiRoot}/bot${target.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  return { ...apiReply.parse(await response.json()), status: response.status };
}

/** The Bad Request reply every rejection test expects. */
export function badRequest(description: string) {
  return { ok: false, status: 400, error_code: 400, description: `Bad Request: ${description}` };
}
