import { Agent, fetch } from 'undici';

/** A raw request to a fake, trusting its self-signed certificate: for the fakes' own tests. */
export async function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const response = await fetch(url, { ...init, dispatcher: agent });
    return {
      status: response.status,
      text: await response.text(),
      headers: response.headers as unknown as Headers,
    };
  } finally {
    await agent.destroy();
  }
}
