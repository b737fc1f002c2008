/**
 * What a Claude Code slash command run as a message printed (`/compact` says `Compacted`): Claude
 * Code 2.1.330 reports it as a user message `<local-command-stdout>…</local-command-stdout>`,
 * not as an answer. Undefined for any other user message, or when it printed nothing.
 */
export function localCommandOutput(content: unknown): string | undefined {
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content) && content.length === 1 && content[0]?.type === 'text'
        ? String(content[0].text ?? '')
        : undefined;
  const output = text?.match(/^\s*<local-command-stdout>([\s\S]*)<\/local-command-stdout>\s*$/)?.[1]?.trim();
  return output ? output : undefined;
}
