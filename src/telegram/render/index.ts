import { toBlocks } from './blocks.ts';
import { layoutBlocks } from './layout.ts';
import { createMarkdownParser } from './parser.ts';
import { runsToHtml, runsToPlain } from './runs.ts';
import { renderPlainChunks, splitRuns } from './split.ts';
import { escapeHtml } from './text.ts';

export { CONTINUED, renderPlainChunks, TELEGRAM_ENTITY_LIMIT } from './split.ts';
export { escapeHtml, truncateUtf16, truncateUtf16Start } from './text.ts';

/** One Telegram message: `html` for parse_mode HTML, `plain` the same text without markup. */
export interface RenderedChunk {
  html: string;
  plain: string;
}

/** Telegram's limit on a message's text after entity parsing, in UTF-16 code units. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Configuration only (see createMarkdownParser): shared like a compiled regular expression. */
const parseMarkdown = createMarkdownParser();

/**
 * Markdown as Claude writes it → Telegram HTML messages, each within `maxLength` once Telegram has
 * parsed the entities. `plain` is exactly the text Telegram will show for `html`, ready as a fallback.
 * Messages after the first start with `…`. Non-blank Markdown always gives at least one message:
 * when it shows nothing once rendered (an empty code fence, a lone `#`), its source is sent as text.
 *
 * @example renderMarkdown('**Done.** See `x < y`') // [{ html: '<b>Done.</b> See <code>x &lt; y</code>', plain: 'Done. See x < y' }]
 */
export function renderMarkdown(
  markdown: string,
  options: { maxLength?: number; maxEntities?: number } = {},
): RenderedChunk[] {
  const maxLength = options.maxLength ?? TELEGRAM_MESSAGE_LIMIT;
  const source = markdown.replace(LONE_SURROGATE, '\ufffd');
  const runs = layoutBlocks(toBlocks(parseMarkdown(source)));
  const pieces = splitRuns(runs, maxLength, { maxEntities: options.maxEntities, markContinued: true });
  if (pieces.length === 0) {
    return renderPlainChunks(source, maxLength).map((plain) => ({ html: escapeHtml(plain), plain }));
  }
  return pieces.map((piece) => ({ html: runsToHtml(piece), plain: runsToPlain(piece) }));
}
