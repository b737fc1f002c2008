import { describe, expect, expectTypeOf, it } from 'vitest';
import type { UserContent } from '../../../src/claude/process.ts';
import type { ModelImage } from '../../../src/telegram/inbound/image.ts';
import {
  describeSize,
  documentTurn,
  photosTurn,
  type TurnContent,
  voiceTurn,
} from '../../../src/telegram/inbound/turns.ts';

const image = (data: string, scaled = false): ModelImage => ({
  mediaType: 'image/jpeg',
  data,
  width: 10,
  height: 10,
  scaled,
});

describe("Claude's turn for what the owner sent", () => {
  it('is content the Agent SDK takes as a user message', () => {
    expectTypeOf<TurnContent>().toMatchTypeOf<UserContent>();
  });

  it('gives a photo as an image block, a note of where it is saved, and the caption last', () => {
    const turn = photosTurn(
      [{ path: '/d/sessions/w/inbox/p.jpg', image: image('AAAA') }],
      'what is this error?',
    );
    expect(turn).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
      { type: 'text', text: 'The owner sent a photo (attached), saved as /d/sessions/w/inbox/p.jpg.' },
      { type: 'text', text: 'what is this error?' },
    ]);
  });

  it('says a photo came and where it is when there is no caption', () => {
    const turn = photosTurn([{ path: '/i/p.jpg', image: image('AAAA', true) }]);
    expect(turn).toHaveLength(2);
    expect(turn[1]).toEqual({
      type: 'text',
      text: expect.stringMatching(
        /saved as \/i\/p\.jpg\. Large images were scaled down .* wrote nothing with it/,
      ),
    });
  });

  it('puts every photo of an album in one turn, in order', () => {
    const turn = photosTurn(
      [
        { path: '/i/1.jpg', image: image('MQ==') },
        { path: '/i/2.jpg', image: image('Mg==') },
        { path: '/i/3.jpg' },
      ],
      'compare these',
    );
    expect(
      turn
        .filter((block) => block.type === 'image')
        .map((block) => block.type === 'image' && block.source.data),
    ).toEqual(['MQ==', 'Mg==']);
    const note = turn.at(-2);
    expect(note?.type === 'text' && note.text).toMatch(
      /3 photos as an album .* \/i\/1\.jpg, \/i\/2\.jpg, \/i\/3\.jpg\..* could not be read as images: \/i\/3\.jpg/,
    );
    expect(turn.at(-1)).toEqual({ type: 'text', text: 'compare these' });
  });

  it('tells Claude a document’s path, size and type, the caption as the prompt', () => {
    const turn = documentTurn(
      {
        path: '/i/20250131-090507-passwd',
        originalName: '../../etc/passwd',
        size: 12_345,
        mimeType: 'text/plain',
      },
      'anything odd?',
    );
    expect(turn).toEqual([
      {
        type: 'text',
        text: 'The owner sent a file (sent as "../../etc/passwd"), saved as /i/20250131-090507-passwd: 12.3 kB (12345 bytes), text/plain. Read it with your tools if you need its contents.',
      },
      { type: 'text', text: 'anything odd?' },
    ]);
    expect(documentTurn({ path: '/i/x', size: 5 })).toHaveLength(1);
  });

  it('sends a transcript as the message, noting it was spoken', () => {
    expect(voiceTurn(' restart the backup job ')).toEqual([
      { type: 'text', text: expect.stringMatching(/voice message/) },
      { type: 'text', text: 'restart the backup job' },
    ]);
  });

  it('describes sizes readably and exactly', () => {
    expect(describeSize(999)).toBe('999 bytes');
    expect(describeSize(25 * 1024 * 1024)).toBe('26.2 MB (26214400 bytes)');
  });
});
