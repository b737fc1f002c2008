import { elapsedLine, progressSummary } from './copy/output.ts';
import { toolProgressLine } from './copy/tools.ts';

/** How many recent tool lines the status message shows. */
const VISIBLE_LINES = 4;

/**
 * The content of a turn's status message: one line per tool call (the newest few), the time the
 * turn has run, and at the end a one-line summary. Pure: the caller owns the clock and the message.
 */
export class TurnProgress {
  private readonly lines: string[] = [];
  private tools = 0;

  constructor(private readonly startedAt: number) {}

  /** Whether anything was shown: a turn without tools or notes has no status message. */
  get shown(): boolean {
    return this.lines.length > 0;
  }

  toolStarted(name: string, input: Record<string, unknown>): void {
    this.tools += 1;
    this.note(toolProgressLine(name, input));
  }

  /** A line that is not a tool (Claude Code retrying the model, say). */
  note(line: string): void {
    this.lines.push(line);
    if (this.lines.length > VISIBLE_LINES) this.lines.shift();
  }

  /** The status message while the turn runs. */
  text(now: number): string {
    return [...this.lines, elapsedLine(now - this.startedAt)].join('\n');
  }

  /** The status message once the turn is over: `12 tools · 1 m 40 s`. */
  summary(now: number): string {
    return progressSummary(this.tools, now - this.startedAt);
  }
}
