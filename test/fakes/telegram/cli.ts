// Runs the fake by hand: `npm run fake-telegram -- [--port 8081] [--token 123:ABC] [--no-rate-limits]`.
// Point the bot at the printed apiRoot and token, then type lines on stdin:
//   <userId> <text>                       the user writes <text> in their private chat
//   press <userId> <messageId> <data>     the user presses the button carrying <data>
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createLogger } from '../../../src/logging.ts';
import { type CallRecord, startFakeTelegram } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    token: { type: 'string', default: '123456:FAKE-telegram-token' },
    'no-rate-limits': { type: 'boolean', default: false },
  },
});

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function describeCall(call: CallRecord): string {
  const { chat_id, text, caption, message_id } = call.params;
  const details = [
    chat_id !== undefined ? `chat=${String(chat_id)}` : '',
    message_id !== undefined ? `message=${String(message_id)}` : '',
    typeof text === 'string'
      ? `text=${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`
      : '',
    typeof caption === 'string' ? `caption=${JSON.stringify(caption)}` : '',
  ].filter(Boolean);
  const outcome = call.status === 200 ? 'ok' : `${call.status} ${call.description ?? ''}`;
  return `bot → ${call.method} ${details.join(' ')} [${outcome}]`;
}

const tg = await startFakeTelegram({
  token: values.token,
  port: Number(values.port),
  rateLimits: values['no-rate-limits'] ? false : undefined,
  logger: createLogger([]),
  onCall: (call) => {
    if (call.method === 'getUpdates' && call.status === 200) return;
    out(describeCall(call));
  },
});

out(`fake Telegram Bot API listening`);
out(`  apiRoot: ${tg.apiRoot}`);
out(`  token:   ${tg.token}`);
out(`type "<userId> <text>" to send a message, "press <userId> <messageId> <data>" to press a button`);

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const trimmed = line.trim();
  if (trimmed === '') return;
  try {
    const press = /^press\s+(\d+)\s+(\d+)\s+(.+)$/.exec(trimmed);
    if (press) {
      const update = tg.pressButton({
        userId: Number(press[1]),
        messageId: Number(press[2]),
        data: press[3] ?? '',
      });
      out(`user → callback_query update ${update.update_id}`);
      return;
    }
    const message = /^(\d+)\s+(.+)$/.exec(trimmed);
    if (!message) {
      out('expected "<userId> <text>" or "press <userId> <messageId> <data>"');
      return;
    }
    const update = tg.sendText({ userId: Number(message[1]), text: message[2] ?? '' });
    out(`user → message update ${update.update_id}`);
  } catch (error) {
    out(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
});

const stop = async (): Promise<void> => {
  input.close();
  await tg.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
