import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type CheckResult, fail, ok } from './check.ts';

const NAME = 'Claude Code';

/**
 * The `claude` the Agent SDK runs when CLAUDE_PATH is not set: the binary of its platform package
 * (`@anthropic-ai/claude-agent-sdk-linux-x64/claude` …), musl first on a musl system, as the SDK
 * looks for it. Undefined when no such package is installed.
 */
export function bundledClaudePath(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string | undefined {
  const require = createRequire(import.meta.url);
  const base = '@anthropic-ai/claude-agent-sdk';
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = platform === 'linux' && report?.header?.glibcVersionRuntime === undefined;
  const linux = [`${base}-linux-${arch}`, `${base}-linux-${arch}-musl`];
  const packages = platform === 'linux' ? (musl ? linux.reverse() : linux) : [`${base}-${platform}-${arch}`];
  const file = platform === 'win32' ? 'claude.exe' : 'claude';
  for (const name of packages) {
    try {
      const resolved = require.resolve(`${name}/${file}`);
      if (existsSync(resolved)) return resolved;
    } catch {
      // Not installed for this platform.
    }
  }
  return undefined;
}

/** Runs `claude --version`: the executable is there, is for this system, and starts. */
export function checkClaudeExecutable(
  claudePath: string | undefined,
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<CheckResult> {
  const command = claudePath ?? bundledClaudePath();
  const fix = claudePath
    ? 'point CLAUDE_PATH at a working claude executable, or unset it to use the bundled one'
    : 'run npm ci (it installs Claude Code with the Agent SDK), or set CLAUDE_PATH';
  if (command === undefined)
    return Promise.resolve(
      fail(NAME, 'no claude executable: the Agent SDK platform package is missing', fix),
    );
  return new Promise((resolve) => {
    execFile(command, ['--version'], { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout) => {
      const version = String(stdout).trim().split('\n')[0];
      if (!error && version) return resolve(ok(NAME, `${version} at ${command}`));
      const reason =
        error && 'code' in error && typeof error.code === 'string'
          ? error.code
          : error?.killed
            ? `no answer within ${timeoutMs / 1000} s`
            : `exit status ${error?.code ?? 0}`;
      resolve(fail(NAME, `${command} --version failed (${reason})`, fix));
    });
  });
}
