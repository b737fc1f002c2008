// The card transport against the strict fake Telegram: cards go out as HTML with their buttons; an
// edit replaces text and buttons, never throws, and starts only after the decision has gone on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyboardOf } from '../../../src/telegram/cards/transport.ts';
import { type CardWorld, cardWorld, OWNER } from './card-world.ts';

let world: CardWorld;
beforeEach(async () => {
  world = await cardWorld();
});
afterEach(async () => {
  await world.close();
});

const rows = [
  [{ text: 'Yes', data: 'p:AAAAAAAAAAAAAAAA:a' }],
  [{ text: 'No', data: 'p:AAAAAAAAAAAAAAAA:d' }],
];
const shown = (messageId: number) =>
  world.tg.messages(OWNER).find((message) => message.messageId === messageId);

describe('createCardTransport', () => {
  it('sends the card as HTML without a link preview, with its buttons, and gives back its id', async () => {
    const id = await world.transport.send(OWNER, '<b>Card</b> https://example.com', rows);
    const message = shown(id);
    expect(message?.text).toBe('Card https://example.com');
    expect(message?.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
    expect(world.buttons(message as NonNullable<typeof message>)).toEqual([
      { text: 'Yes', data: 'p:AAAAAAAAAAAAAAAA:a' },
      { text: 'No', data: 'p:AAAAAAAAAAAAAAAA:d' },
    ]);
    expect(world.tg.callsTo('sendMessage').at(-1)?.params).toMatchObject({
      link_preview_options: { is_disabled: true },
    });
  });

  it('a card without buttons carries no keyboard', async () => {
    await world.transport.send(OWNER, 'plain', []);
    expect(world.tg.callsTo('sendMessage').at(-1)?.params).not.toHaveProperty('reply_markup');
  });

  it('refusals from Telegram on send reach the caller', async () => {
    await expect(world.transport.send(OWNER, '<b>broken', rows)).rejects.toThrow(/can't parse entities/);
  });

  it('an edit starts after the current turn of the event loop, and drained waits for it', async () => {
    const id = await world.transport.send(OWNER, 'waiting', rows);
    const begun: string[] = [];
    world.bot.api.config.use((previous, method, payload, signal) => {
      begun.push(method);
      return previous(method, payload, signal);
    });
    const editing = world.transport.edit(OWNER, id, '<i>decided</i>');
    // What settled the card (and its continuation, Claude Code hearing the answer) runs first.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(begun).toEqual([]);
    await world.transport.drained();
    expect(world.tg.callsTo('editMessageText')).toHaveLength(1);
    await editing;
    expect(shown(id)?.text).toBe('decided');
    expect(world.buttons(shown(id) as NonNullable<ReturnType<typeof shown>>)).toEqual([]);
  });

  it('an edit can replace the buttons', async () => {
    const id = await world.transport.send(OWNER, 'pick', rows);
    await world.transport.edit(OWNER, id, 'pick again', [[{ text: '✓ Yes', data: 'p:AAAAAAAAAAAAAAAA:a' }]]);
    const message = shown(id);
    expect(message?.text).toBe('pick again');
    expect(world.buttons(message as NonNullable<typeof message>).map((button) => button.text)).toEqual([
      '✓ Yes',
    ]);
  });

  it('an edit never throws: an unchanged card is quiet, a refused edit is logged as a warning', async () => {
    const id = await world.transport.send(OWNER, 'same', []);
    await expect(world.transport.edit(OWNER, id, 'same')).resolves.toBeUndefined();
    expect(world.logs.filter((line) => line.msg === 'could not edit a card')).toEqual([]);
    await expect(world.transport.edit(OWNER, 9999, 'gone')).resolves.toBeUndefined();
    expect(world.logs.filter((line) => line.msg === 'could not edit a card')).toEqual([
      expect.objectContaining({ level: 40, chatId: OWNER, messageId: 9999 }),
    ]);
  });
});

describe('keyboardOf', () => {
  it('one keyboard row per row of buttons, in order', () => {
    const keyboard = keyboardOf(rows).inline_keyboard.filter((row) => row.length > 0);
    expect(keyboard).toEqual([
      [{ text: 'Yes', callback_data: 'p:AAAAAAAAAAAAAAAA:a' }],
      [{ text: 'No', callback_data: 'p:AAAAAAAAAAAAAAAA:d' }],
    ]);
  });
});
