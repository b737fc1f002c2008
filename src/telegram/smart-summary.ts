/**
 * Smart mode: an answer longer than a phone screen becomes a short summary built from its own
 * headings and first lines (nothing is invented), with the whole answer sent as a file.
 */

/** About what a phone shows without scrolling. */
export const PHONE_SCREEN_CHARS = 1_200;
const PHONE_SCREEN_LINES = 25;
const MAX_SUMMARY_CHARS = 900;
const MAX_LINE_CHARS = 160;

/** Whether the answer is longer than a phone screen. */
export function needsSummary(answer: string): boolean {
  return answer.length > PHONE_SCREEN_CHARS || answer.split('\n').length > PHONE_SCREEN_LINES;
}

function firstSentence(line: string): string {
  const text = line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').trim();
  const sentence = /^(.+?[.!?])(?:\s|$)/.exec(text)?.[1] ?? text;
  return sentence.length > MAX_LINE_CHARS ? `${sentence.slice(0, MAX_LINE_CHARS - 1)}…` : sentence;
}

interface Section {
  heading?: string;
  firstLine?: string;
}

/** The answer's sections: each heading with the first line of prose under it (code is skipped). */
function sectionsOf(answer: string): Section[] {
  const sections: Section[] = [{}];
  let fence: string | undefined;
  for (const line of answer.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    const current = sections.at(-1) as Section;
    // Outside any heading, each paragraph gives its first line.
    if (line.trim() === '' && current.heading === undefined && current.firstLine !== undefined)
      sections.push({});
    if (fence !== undefined || line.trim() === '' || /^\s*\|/.test(line)) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading) sections.push({ heading });
    else current.firstLine ??= firstSentence(line);
  }
  return sections.filter((section) => section.heading || section.firstLine);
}

/** The summary, as Markdown. */
export function smartSummary(answer: string): string {
  const lines: string[] = [];
  let length = 0;
  for (const { heading, firstLine } of sectionsOf(answer)) {
    const line = heading ? `• **${heading}**${firstLine ? ` — ${firstLine}` : ''}` : (firstLine ?? '');
    if (length + line.length > MAX_SUMMARY_CHARS && lines.length > 0) {
      lines.push('…');
      break;
    }
    lines.push(line);
    length += line.length;
  }
  return lines.join('\n');
}
