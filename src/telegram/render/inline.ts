import type { Token } from 'markdown-it';
import type { Run, Style } from './runs.ts';

const LINK_SCHEMES = /^(?:https?:\/\/[^\s/]+\.[^\s/]+|https?:\/\/localhost|tg:\/\/)/i;

/**
 * markdown-it's inline tokens → styled runs. Telegram cannot show images, so an image is its alt text
 * linked to the picture; raw inline HTML is text; a footnote reference is `[1]`.
 */
export function inlineRuns(children: readonly Token[], base: Style = {}): Run[] {
  const runs: Run[] = [];
  const styles: Style[] = [base];
  const push = (text: string, style: Style): void => {
    const last = runs.at(-1);
    if (text === '') return;
    if (last && sameStyle(last.style, style)) last.text += text;
    else runs.push({ text, style });
  };
  for (const token of children) {
    const style = styles.at(-1) as Style;
    switch (token.type) {
      case 'softbreak':
      case 'hardbreak':
        push('\n', style);
        break;
      case 'code_inline':
        push(token.content, { ...style, code: true });
        break;
      case 'strong_open':
        styles.push({ ...style, bold: true });
        break;
      case 'em_open':
        styles.push({ ...style, italic: true });
        break;
      case 's_open':
        styles.push({ ...style, strike: true });
        break;
      case 'link_open': {
        const target = linkTarget(String(token.attrGet('href') ?? ''));
        styles.push(target ? { ...style, link: target } : style);
        break;
      }
      case 'image': {
        const target = linkTarget(String(token.attrGet('src') ?? ''));
        const linked = target ? { ...style, link: target } : style;
        const alt = inlineRuns(token.children ?? [], linked);
        if (alt.length === 0) push(String(token.attrGet('src') ?? ''), linked);
        for (const run of alt) push(run.text, run.style);
        break;
      }
      case 'footnote_ref':
        push(`[${Number(token.meta?.id ?? 0) + 1}]`, style);
        break;
      default:
        if (token.nesting === -1) {
          if (styles.length > 1) styles.pop();
        } else if (token.nesting === 1) styles.push(style);
        else push(token.content, style);
    }
  }
  return runs;
}

function sameStyle(a: Style, b: Style): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.strike === b.strike &&
    a.code === b.code &&
    a.link === b.link &&
    a.quote === b.quote &&
    a.pre?.language === b.pre?.language
  );
}

/** A usable link target for Telegram, or undefined for relative paths and odd schemes. */
export function linkTarget(url: string): string | undefined {
  const trimmed = url.trim();
  if (!LINK_SCHEMES.test(trimmed)) return undefined;
  try {
    new URL(trimmed);
    return trimmed;
  } catch {
    return undefined;
  }
}
