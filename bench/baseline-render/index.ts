import { parseBlocks } from './blocks.ts';
import { layoutBlocks } from './layout.ts';
import { runsToHtml, runsToPlain } from './runs.ts';
import { splitRuns } from './split.ts';

export { renderPlainChunks, TELEGRAM_ENTITY_LIMIT } from './split.ts';
export { escapeHtml, truncateUtf16, truncateUtf16Start } from './text.ts';

/** One Telegram message: `html` for parse_mode HTML, `plain` the same text without markup. */
export interface RenderedChunk {
  html: string;
  plain: string;
}

/** Telegram's limit on a message's text after entity parsing, in UTF-16 code units. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Markdown as Claude writes it → Telegram HTML messages, each within `maxLength` once Telegram has
 * parsed the entities. `plain` is exactly the text Telegram will show for `html`, ready as a fallback.
 *
 * @example renderMarkdown('**Done.** See `x < y`') // [{ html: '<b>Done.</b> See <code>x &lt; y</code>', plain: 'Done. See x < y' }]
 */
export function renderMarkdown(
  markdown: string,
  options: { maxLength?: number; maxEntities?: number } = {},
): RenderedChunk[] {
  const maxLength = options.maxLength ?? TELEGRAM_MESSAGE_LIMIT;
  const runs = layoutBlocks(parseBlocks(markdown.replace(LONE_SURROGATE, '\ufffd')));
  return splitRuns(runs, maxLength, options.maxEntities).map((piece) => ({
    html: runsToHtml(piece),
    plain: runsToPlain(piece),
  }));
}
