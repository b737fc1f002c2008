import type { PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import {
  denyToolsNeedingApproval,
  type PermissionRequest,
  refusalForModel,
  toCanUseTool,
} from '../../src/claude/permissions.ts';

const context = (signal = new AbortController().signal) => ({
  signal,
  toolUseID: 'toolu_01',
  requestId: 'req_01',
  suggestions: [],
});

function denyMessage(decision: PermissionResult | null): string {
  if (decision?.behavior !== 'deny') throw new Error(`expected a denial, got ${JSON.stringify(decision)}`);
  return decision.message;
}

describe('toCanUseTool', () => {
  it('asks with the tool and its input, and allows with the input unchanged', async () => {
    const asked: PermissionRequest[] = [];
    const canUseTool = toCanUseTool(async (request) => {
      asked.push(request);
      return { allow: true };
    });
    const input = { command: 'echo hi > x.txt' };
    expect(await canUseTool('Bash', input, context())).toEqual({ behavior: 'allow', updatedInput: input });
    expect(asked[0]).toMatchObject({
      toolName: 'Bash',
      input,
      toolUseId: 'toolu_01',
    });
  });

  it('denies with the reason given', async () => {
    const canUseTool = toCanUseTool(async () => ({ allow: false, reason: 'not on my phone' }));
    expect(await canUseTool('Write', { file_path: 'a.txt' }, context())).toEqual({
      behavior: 'deny',
      message: 'not on my phone',
    });
  });

  it('denies when asking fails, instead of leaving Claude Code waiting', async () => {
    const canUseTool = toCanUseTool(async () => {
      throw new Error('chat unreachable');
    });
    const decision = await canUseTool('Bash', { command: 'ls' }, context());
    expect(denyMessage(decision)).toContain('chat unreachable');
  });

  it('by default refuses tools that need approval, telling the model why and not to retry', async () => {
    const decision = await toCanUseTool(denyToolsNeedingApproval)(
      'Bash',
      { command: 'rm -rf build' },
      context(),
    );
    expect(denyMessage(decision)).toBe(refusalForModel('Bash'));
    expect(denyMessage(decision)).toContain('Permission to use Bash was denied');
    expect(denyMessage(decision)).toContain('Do not retry it');
    expect(denyMessage(decision)).toContain('permission_mode');
  });
});
