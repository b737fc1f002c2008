/**
 * The fake Telegram serving a file alone: getFile and the download, read to the end, by a separate
 * node process kept warm like the bot (in the fake's own process the reading would share its event
 * loop). Asked over IPC; it times each round itself, so the messaging is not counted.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';

const READER = `
const [root, token] = process.argv.slice(1);
process.on('message', async (id) => {
  const started = performance.now();
  const file = await (await fetch(root + '/bot' + token + '/getFile?file_id=' + encodeURIComponent(id))).json();
  const response = await fetch(root + '/file/bot' + token + '/' + file.result.file_path);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  process.send({ ms: performance.now() - started, bytes });
});
`;

const servedSchema = z.object({ ms: z.number(), bytes: z.number() });

export interface BytesReader {
  /** How long getting the file took, and how many bytes came. */
  read(fileId: string): Promise<{ ms: number; bytes: number }>;
  close(): void;
}

export function startBytesReader(bot: { apiRoot: string; token: string }): BytesReader {
  const child = spawn(process.execPath, ['--input-type=module', '-e', READER, bot.apiRoot, bot.token], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    read: (fileId) =>
      new Promise((resolve, reject) => {
        child.once('message', (message) => {
          const served = servedSchema.safeParse(message);
          if (served.success) resolve(served.data);
          else reject(new Error(`the reader answered ${JSON.stringify(message)}`));
        });
        child.send(fileId);
      }),
    close: () => child.kill(),
  };
}
