import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeAnthropic,
  type ModelTurn,
  SEND_FILE_TOOL,
  sendsFile,
  startFakeAnthropic,
} from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary SSE payloads
type SseData = Record<string, any>;

let model: FakeAnthropic;
afterEach(async () => {
  await model?.close();
});

const client = (fake: FakeAnthropic) =>
  new Anthropic({ baseURL: fake.baseUrl, apiKey: 'test-key', maxRetries: 0 });
const tools = [
  { name: 'Bash', description: 'run', input_schema: { type: 'object' as const, properties: {} } },
];

async function rawEvents(fake: FakeAnthropic, body: object): Promise<{ event: string; data: SseData }[]> {
  const response = await fetch(`${fake.baseUrl}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return {
        event: eventLine?.replace('event: ', '') ?? '',
        data: JSON.parse(dataLine?.replace('data: ', '') ?? ''),
      };
    });
}

describe('fake Anthropic Messages API', () => {
  it('streams a text answer with the SSE framing of the real API', async () => {
    model = await startFakeAnthropic({
      script: () => ({ text: 'Hello there', chunks: ['Hel', 'lo there'] }),
    });
    const events = await rawEvents(model, {
      model: 'claude-test',
      max_tokens: 100,
      stream: true,
      tools,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    expect(events[2]?.data.delta).toEqual({ type: 'text_delta', text: 'Hel' });
    expect(events[5]?.data.delta.stop_reason).toBe('end_turn');
    expect(events[5]?.data.usage.output_tokens).toBeGreaterThan(0);
  });

  it('is readable by the official SDK, streaming and not', async () => {
    model = await startFakeAnthropic();
    const anthropic = client(model);
    const streamed = await anthropic.messages
      .stream({ model: 'm', max_tokens: 10, tools, messages: [{ role: 'user', content: 'ping' }] })
      .finalMessage();
    expect(streamed.content).toHaveLength(1);
    expect(streamed.content[0]).toMatchObject({ type: 'text', text: 'You said: ping' });
    const whole = await anthropic.messages.create({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [{ role: 'user', content: 'pong' }],
    });
    expect(whole.content).toHaveLength(1);
    expect(whole.content[0]).toMatchObject({ type: 'text', text: 'You said: pong' });
    expect(whole.stop_reason).toBe('end_turn');
  });

  it('finds the newest user turn past system reminders, merged turns and a trailing system message', async () => {
    const turns: ModelTurn[] = [];
    model = await startFakeAnthropic({
      script: (turn) => {
        turns.push(turn);
        return { text: 'ok' };
      },
    });
    await client(model).messages.create({
      model: 'm',
      max_tokens: 10,
      tools,
      system: [
        { type: 'text', text: 'You are Claude Code.' },
        { type: 'text', text: 'PERSONA' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>\nbe nice\n</system-reminder>' },
            { type: 'text', text: 'first' },
            { type: 'text', text: 'second' },
          ],
        },
        // Claude Code 2.1.330 ends a request with its environment as a system-role message.
        { role: 'system', content: [{ type: 'text', text: '# Environment' }] } as never,
      ],
    });
    expect(turns[0]?.userText).toBe('second');
    expect(turns[0]?.system).toBe('You are Claude Code.\nPERSONA');
    expect(model.requests).toHaveLength(1);
    const [recorded] = model.requests;
    if (!recorded) throw new Error('no request recorded');
    expect(model.lastUserText(recorded)).toBe('second');
    expect(model.requests[0]?.tools).toEqual(['Bash']);
  });

  it('plays a tool round trip: tool_use first, then the then-text once the tool_result comes back', async () => {
    model = await startFakeAnthropic({
      script: () => ({ toolUse: { name: 'Bash', input: { command: 'echo hi > x.txt' } }, thenText: 'Done.' }),
    });
    const anthropic = client(model);
    const first = await anthropic.messages
      .stream({ model: 'm', max_tokens: 10, tools, messages: [{ role: 'user', content: 'write it' }] })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content[0];
    if (toolUse?.type !== 'tool_use') throw new Error(`expected tool_use, got ${toolUse?.type}`);
    expect(toolUse.name).toBe('Bash');
    expect(toolUse.input).toEqual({ command: 'echo hi > x.txt' });

    const second = await anthropic.messages
      .stream({
        model: 'm',
        max_tokens: 10,
        tools,
        messages: [
          { role: 'user', content: 'write it' },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '(no output)' }],
          },
        ],
      })
      .finalMessage();
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'Done.' });
    expect(model.requests).toHaveLength(2);
  });

  it('shows the script the images of the newest user turn, decoded', async () => {
    const seen: ModelTurn[] = [];
    model = await startFakeAnthropic({
      script: (turn) => {
        seen.push(turn);
        return { text: `saw ${turn.images.length}` };
      },
    });
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const image = (data: Buffer) => ({
      type: 'image' as const,
      source: { type: 'base64' as const, media_type: 'image/png' as const, data: data.toString('base64') },
    });
    const reply = await client(model).messages.create({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [
        { role: 'user', content: [image(Buffer.from('old')), { type: 'text', text: 'earlier' }] },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          // Claude Code notes where it stored each image after the owner's words; that is not user text.
          content: [
            image(png),
            image(Buffer.from('second')),
            { type: 'text', text: 'what is this?' },
            { type: 'text', text: '[Image: source: /tmp/claude-0/-srv-demo/abc/images/1.png]' },
          ],
        },
      ],
    });
    expect(reply.content[0]).toMatchObject({ text: 'saw 2' });
    expect(seen[0]?.userText).toBe('what is this?');
    expect(seen[0]?.images).toEqual([
      { mediaType: 'image/png', bytes: png },
      { mediaType: 'image/png', bytes: Buffer.from('second') },
    ]);
    const [request] = model.requests;
    expect(request && model.lastUserImages(request).map((found) => found.bytes.toString('hex'))).toEqual([
      png.toString('hex'),
      Buffer.from('second').toString('hex'),
    ]);
  });

  it('can ask for the bridge send_file tool and report its result', async () => {
    model = await startFakeAnthropic({ script: sendsFile('out/chart.png', 'the chart') });
    const anthropic = client(model);
    const first = await anthropic.messages.create({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [{ role: 'user', content: 'send it' }],
    });
    const toolUse = first.content[0];
    if (toolUse?.type !== 'tool_use') throw new Error(`expected tool_use, got ${toolUse?.type}`);
    expect(toolUse).toMatchObject({
      name: SEND_FILE_TOOL,
      input: { path: 'out/chart.png', caption: 'the chart' },
    });
    const second = await anthropic.messages.create({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [
        { role: 'user', content: 'send it' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Sent as a photo.' }],
        },
      ],
    });
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'Tool said: Sent as a photo.' });
  });

  it.each([
    [401, 'authentication_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ] as const)('answers %i with an Anthropic error body of type %s', async (status, type) => {
    model = await startFakeAnthropic({ script: () => ({ error: status }) });
    const response = await fetch(`${model.baseUrl}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'm',
        max_tokens: 1,
        stream: true,
        tools,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe(type);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('answers every request with 529 for the length of an outage, then the script again', async () => {
    model = await startFakeAnthropic({ script: () => ({ text: 'back' }) });
    const ask = () =>
      fetch(`${model?.baseUrl}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({
          model: 'm',
          max_tokens: 1,
          tools,
          messages: [{ role: 'user', content: 'x' }],
        }),
      });
    model.failFor(300);
    const during = await ask();
    expect(during.status).toBe(529);
    expect(((await during.json()) as { error: { type: string } }).error.type).toBe('overloaded_error');
    expect(model.outageAnswers).toBe(1);
    expect(model.requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = await ask();
    expect(after.status).toBe(200);
    expect(model.outageAnswers).toBe(1);
    expect(model.requests).toHaveLength(1);
  });

  it('cuts a stream off half-way: the client sees a broken stream, not a finished message', async () => {
    model = await startFakeAnthropic({ script: () => ({ cutOffAfterChars: 5, text: 'Hello, world' }) });
    const stream = client(model).messages.stream({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [{ role: 'user', content: 'x' }],
    });
    let seen = '';
    stream.on('text', (delta) => {
      seen += delta;
    });
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(seen).toBe('Hello');
  });

  it('answers the title request itself and keeps it out of the script and the main-loop record', async () => {
    let scriptCalls = 0;
    model = await startFakeAnthropic({
      title: 'Greeting chat',
      script: () => {
        scriptCalls += 1;
        return { text: 'main' };
      },
    });
    const message = await client(model).messages.create({
      model: 'm',
      max_tokens: 10,
      tools: [],
      messages: [{ role: 'user', content: '<session>\nhello\n</session>' }],
    });
    expect(message.content[0]).toMatchObject({ text: '{"title":"Greeting chat"}' });
    expect(scriptCalls).toBe(0);
    expect(model.requests).toHaveLength(0);
    expect(model.titleRequests).toHaveLength(1);
  });

  it('stamps each request with when it arrived and when the last byte of its answer left', async () => {
    let clock = 1_000;
    const finishedWhenDecided: Array<number | undefined> = [];
    model = await startFakeAnthropic({
      now: () => clock,
      script: (turn) => {
        finishedWhenDecided.push(turn.request.finishedAt);
        clock = 2_000;
        return { text: 'Hello there', chunks: ['Hel', 'lo there'], chunkDelayMs: 5 };
      },
    });
    await client(model)
      .messages.stream({ model: 'm', max_tokens: 10, tools, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    await vi.waitFor(() => expect(model.requests[0]?.finishedAt).toBe(2_000));
    expect(model.requests[0]?.receivedAt).toBe(1_000);
    expect(finishedWhenDecided).toEqual([undefined]);
  });

  it('leaves finishedAt unset for a stream it cut off', async () => {
    model = await startFakeAnthropic({ script: () => ({ cutOffAfterChars: 5, text: 'Hello, world' }) });
    const stream = client(model).messages.stream({
      model: 'm',
      max_tokens: 10,
      tools,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(model.requests[0]?.receivedAt).toEqual(expect.any(Number));
    expect(model.requests[0]?.finishedAt).toBeUndefined();
  });

  it('answers HEAD /api/hello and records it', async () => {
    model = await startFakeAnthropic();
    const response = await fetch(`${model.baseUrl}/api/hello`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(model.otherRequests).toEqual([{ method: 'HEAD', url: '/api/hello' }]);
  });

  it('swaps scripts and turns a failing script into a 500', async () => {
    model = await startFakeAnthropic();
    model.setScript(() => {
      throw new Error('no answer for this');
    });
    const anthropic = client(model);
    await expect(
      anthropic.messages.create({
        model: 'm',
        max_tokens: 1,
        tools,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 500 });
  });
});
