import type { ModelReply, ModelTurn, Script } from './types.ts';

/** The default model: `You said: <user text>`; after a tool round trip, it reports the tool's output. */
export const echoScript: Script = (turn: ModelTurn): ModelReply => {
  const [result] = turn.toolResults;
  if (result) return { text: `Tool said: ${result.content}` };
  return { text: `You said: ${turn.userText}` };
};

/** A long Markdown answer with headings, code blocks and a table, for rendering and splitting tests. */
export function longMarkdownAnswer(sections = 6): string {
  const parts = ['# Report', '', 'Here is what I found, **section by section**.', ''];
  for (let i = 1; i <= sections; i++) {
    parts.push(
      `## Section ${i}`,
      '',
      `Paragraph ${i} with \`inline code\`, a [link](https://example.com/${i}) and characters like < > & that need escaping.`,
      '',
      '```ts',
      `export function step${i}(input: number): number {`,
      `  return input * ${i}; // <${i}>`,
      '}',
      '```',
      '',
      '| name | value |',
      '| --- | --- |',
      `| alpha${i} | ${i * 10} |`,
      `| beta${i} | ${i * 20} |`,
      '',
    );
  }
  return parts.join('\n');
}

/** Claude Code's name for the bridge's in-process tool that sends a file to the chat. */
export const SEND_FILE_TOOL = 'mcp__bridge__send_file';

/**
 * A model that asks the bridge to send `path` to the chat, then reports what the tool said
 * (`Tool said: …`, the tool_result's text, refusals included).
 */
export function sendsFile(path: string, caption?: string): Script {
  return (turn) => {
    const [result] = turn.toolResults;
    if (result) return { text: `Tool said: ${result.content}` };
    return {
      toolUse: { name: SEND_FILE_TOOL, input: { path, ...(caption !== undefined ? { caption } : {}) } },
    };
  };
}
