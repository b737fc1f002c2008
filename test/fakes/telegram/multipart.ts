// multipart/form-data (RFC 7578) split with Buffer.indexOf: undici's parser takes seconds over a
// 50 MB upload, which the file-size tests and the bench send.

export interface FormPart {
  name: string;
  /** Set for a file part. */
  fileName?: string;
  contentType?: string;
  body: Buffer;
}

function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** A Content-Disposition parameter, quoted (`name="a b"`) or a bare token (`filename=a.txt`, grammY's form). */
function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(header);
  return match?.[1]?.replace(/\\(.)/g, '$1') ?? match?.[2];
}

/** The parts of a multipart body, or undefined when the body is not well-formed. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] | undefined {
  const boundary = boundaryOf(contentType);
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) return undefined;
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') return parts;
    if (body.subarray(start, start + 2).toString('latin1') !== '\r\n') return undefined;
    start += 2;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0) return undefined;
    const end = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (end < 0) return undefined;
    const headers = body.subarray(start, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? '';
    const name = headerParam(disposition, 'name');
    if (name === undefined) return undefined;
    const fileName = headerParam(disposition, 'filename');
    const contentType = headers.find((line) => /^content-type:/i.test(line))?.replace(/^[^:]*:\s*/, '');
    parts.push({
      name,
      ...(fileName !== undefined ? { fileName } : {}),
      ...(contentType ? { contentType } : {}),
      body: body.subarray(headerEnd + 4, end),
    });
    start = end + 2;
  }
}
