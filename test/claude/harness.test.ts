import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { claudeWorlds, runsBash } from './world.ts';

const claude = claudeWorlds();

describe('the real claude binary against the fake model', () => {
  it('runs a Bash tool round trip for real, asking canUseTool first', async () => {
    const { model, cwd, env } = await claude.start(runsBash('echo hi > x.txt', 'Wrote x.txt.'));
    const asked: Array<{ toolName: string; input: Record<string, unknown> }> = [];

    const messages = [];
    for await (const message of query({
      prompt: 'write hi into x.txt',
      options: {
        cwd,
        env,
        settingSources: [],
        canUseTool: async (toolName, input) => {
          asked.push({ toolName, input });
          return { behavior: 'allow', updatedInput: input };
        },
      },
    })) {
      messages.push(message);
    }

    expect(asked).toEqual([{ toolName: 'Bash', input: { command: 'echo hi > x.txt' } }]);
    const file = path.join(cwd, 'x.txt');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('hi\n');

    const result = messages.at(-1);
    expect(result).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'Wrote x.txt.',
    });
    // The second request carried the tool's result back to the model.
    expect(model.requests).toHaveLength(2);
    const toolResult = JSON.stringify(model.requests[1]?.messages);
    expect(toolResult).toContain('tool_result');
  });
});
