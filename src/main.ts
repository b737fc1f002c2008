import { formatSettingsProblems, loadSettings } from './config/load.ts';

// Settings are checked before anything heavy is imported, so a bad setup fails fast (exit 2).
const result = loadSettings(process.cwd(), process.env);
if (!result.ok) {
  process.stderr.write(`${formatSettingsProblems(result.problems)}\n`);
  process.exit(2);
}
const { startApp } = await import('./app.ts');
await startApp(result.settings);
