import { formatSettingsProblems, loadSettings } from './config/load.ts';

// A terminal that closed (EIO) or a log pipe that broke (EPIPE) makes writes to stdio fail. Node's
// warnings (the Agent SDK emits some at each process start) go to stderr, and an unhandled stream error
// would end the bot and orphan its sessions: lose those lines, keep the bot.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

// Settings are checked before anything heavy is imported, so a bad setup fails fast (exit 2).
const result = loadSettings(process.cwd(), process.env);
if (!result.ok) {
  process.stderr.write(`${formatSettingsProblems(result.problems)}\n`);
  process.exit(2);
}
const { startApp } = await import('./app.ts');
await startApp(result.settings);
