/**
 * `npm run service:install`: writes the systemd user unit (deploy/telegram-claude-bridge.service)
 * with this checkout's paths to `$XDG_CONFIG_HOME/systemd/user/` (default `~/.config/systemd/user/`),
 * then prints the commands that enable it. Changes nothing else: no systemctl call, no sudo.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const UNIT_NAME = 'telegram-claude-bridge.service';
const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));
export const UNIT_TEMPLATE = path.join(CHECKOUT, 'deploy', UNIT_NAME);

export interface UnitPaths {
  /** Absolute path of the node executable (`process.execPath`). */
  node: string;
  /** The checkout: WorkingDirectory, where `.env` and `node_modules` are. */
  checkout: string;
  /** PATH for the bot and the tools Claude Code runs: the one the unit is installed from. */
  pathEnv: string;
}

/** Where systemd looks for the user's own units. */
export function userUnitDir(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME;
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and is ignored.
  const base =
    configHome && path.isAbsolute(configHome) ? configHome : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(base, 'systemd', 'user');
}

/** `%` starts a specifier in unit files; a literal one is `%%`. */
const escapeSpecifiers = (value: string): string => value.replaceAll('%', '%%');

/** One word of a command line or an assignment, quoted the way systemd unquotes it. */
function quoted(value: string): string {
  const escaped = escapeSpecifiers(value);
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"` : escaped;
}

/**
 * How `npm start` runs the bot: the environment it sets for the bot's process and node's flags
 * (package.json's start script, `exec env NAME=value … node --flag … scripts/start.mjs`, is the one
 * place they are defined; scripts/start.mjs says what they are for). The service runs it the same way.
 */
export interface StartCommand {
  /** `NAME=value` */
  env: string[];
  nodeFlags: string[];
}

export function parseStartScript(script: string): StartCommand {
  const match = /^exec (?:env((?: [A-Z_]+=[^\s'"\\]+)+) )?node((?: --[^\s'"\\]+)*) scripts\/start\.mjs$/.exec(
    script.trim(),
  );
  if (!match) throw new Error(`not "exec [env NAME=value…] node [--flag…] scripts/start.mjs": ${script}`);
  const words = (text = '') => text.split(' ').filter((word) => word !== '');
  return { env: words(match[1]), nodeFlags: words(match[2]) };
}

/** package.json's start script, parsed. */
export async function startCommand(checkout: string): Promise<StartCommand> {
  const manifest = JSON.parse(await readFile(path.join(checkout, 'package.json'), 'utf8'));
  return parseStartScript(String(manifest?.scripts?.start ?? ''));
}

/** The template with this machine's paths in WorkingDirectory, ExecStart and PATH, and npm start's env and flags. */
export function renderUnit(template: string, paths: UnitPaths, start: StartCommand): string {
  for (const value of Object.values(paths))
    if (/[\n\r]/.test(value)) throw new Error(`a path holds a line break: ${JSON.stringify(value)}`);
  const script = path.join(paths.checkout, 'scripts', 'start.mjs');
  const lines = template.split('\n').flatMap((line) => {
    if (line.startsWith('WorkingDirectory='))
      return [
        `WorkingDirectory=${escapeSpecifiers(paths.checkout)}`,
        ...[`PATH=${paths.pathEnv}`, ...start.env].map((assignment) => `Environment=${quoted(assignment)}`),
      ];
    if (line.startsWith('ExecStart='))
      return [`ExecStart=${[paths.node, ...start.nodeFlags, script].map(quoted).join(' ')}`];
    return [line];
  });
  return lines.join('\n');
}

/**
 * The PATH to run with: the installer's, without what `npm run` put in front of it (the
 * `node_modules/.bin` directories and npm's node-gyp-bin), with node's own directory kept in.
 */
export function servicePath(pathEnv: string, node: string): string {
  const entries = pathEnv
    .split(path.delimiter)
    .filter((entry) => entry !== '' && !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(entry));
  const nodeDir = path.dirname(node);
  return [...new Set(entries.includes(nodeDir) ? entries : [nodeDir, ...entries])].join(path.delimiter);
}

export interface InstallResult {
  unitFile: string;
  /** What to run next, one command a line. */
  instructions: string;
}

export async function installService(env: NodeJS.ProcessEnv, paths: UnitPaths): Promise<InstallResult> {
  const unitDir = userUnitDir(env);
  const unitFile = path.join(unitDir, UNIT_NAME);
  await mkdir(unitDir, { recursive: true });
  const unit = renderUnit(await readFile(UNIT_TEMPLATE, 'utf8'), paths, await startCommand(paths.checkout));
  await writeFile(unitFile, unit, { mode: 0o644 });
  const service = UNIT_NAME.replace(/\.service$/, '');
  const instructions = [
    `Wrote ${unitFile}`,
    ...(existsSync(path.join(paths.checkout, '.env'))
      ? []
      : [`No .env in ${paths.checkout} yet: put the settings there first (see README, Setup).`]),
    '',
    'Now run:',
    `  systemctl --user daemon-reload && systemctl --user enable --now ${service}`,
    '  loginctl enable-linger "$USER"    # keeps it running when you are not logged in, and starts it at boot',
    '',
    `Logs: journalctl --user -u ${service} -f`,
  ].join('\n');
  return { unitFile, instructions };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await installService(process.env, {
    node: process.execPath,
    checkout: CHECKOUT.replace(/\/+$/, ''),
    pathEnv: servicePath(process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', process.execPath),
  });
  process.stdout.write(`${result.instructions}\n`);
}
