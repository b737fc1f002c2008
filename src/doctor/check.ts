/** One row of `npm run doctor`: what was checked, how it went, and what to do about it. */
export interface CheckResult {
  /** `Telegram`, `Claude Code credentials`, `Proxmox Backup Server` … */
  name: string;
  /** `fail` stops the bot from running (exit 1); `warn` costs a feature, the bot still runs. */
  status: 'ok' | 'warn' | 'fail';
  /** What was found, in one line. */
  detail: string;
  /** For `warn` and `fail`: how to fix it, in one line. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'warn',
  detail,
  fix,
});
export const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
});

/** The reason in an error chain, without a stack: `ECONNREFUSED`, `fetch failed: …`. */
export function reasonOf(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code) return code;
    if (!(current.cause instanceof Error)) return current.message;
    current = current.cause;
  }
  return String(current);
}
