import type { OutputMode } from '../sessions/session-store.ts';
import { smartFileCaption } from './copy/output.ts';
import type { AnswerDelivery } from './delivery.ts';
import { needsSummary, smartSummary } from './smart-summary.ts';

/**
 * A turn's answer as the session's output mode wants it: in smart mode, an answer longer than a
 * phone screen comes as a summary of its own headings and first lines plus the whole text as a
 * `.md` file (all of it as messages if the file is refused); otherwise the answer itself.
 */
export async function sendFinalAnswer(
  delivery: AnswerDelivery,
  chatId: number,
  answer: string,
  options: { mode: OutputMode; label: string | undefined },
): Promise<void> {
  const label = options.label ? { label: options.label } : {};
  if (options.mode !== 'smart' || !needsSummary(answer)) {
    await delivery.sendMarkdown(chatId, answer, label);
    return;
  }
  const summary = smartSummary(answer);
  if (summary) await delivery.sendMarkdown(chatId, summary, label);
  const fileName = `${(options.label ?? 'answer').replace(/[^\p{L}\p{N}_-]+/gu, '_')}.md`;
  const caption = `${options.label ? `[${options.label}] ` : ''}${smartFileCaption(answer.length)}`;
  const sent = await delivery.sendDocument(chatId, fileName, answer, caption);
  if (sent === undefined) await delivery.sendMarkdown(chatId, answer, label);
}
