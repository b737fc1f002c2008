import type { PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import {
  denyToolsNeedingApproval,
  type PermissionRequest,
  refusalForModel,
  toCanUseTool,
} from '../../src/claude/permissions.ts';

const DIR = '/srv/sessions/work';

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
    }, DIR);
    const input = { command: 'echo hi > x.txt' };
    expect(await canUseTool('Bash', input, context())).toEqual({ behavior: 'allow', updatedInput: input });
    expect(asked[0]).toMatchObject({
      toolName: 'Bash',
      input,
      toolUseId: 'toolu_01',
      sessionDir: DIR,
    });
  });

  it("allows the bridge's own preapproved tools without asking, and asks for every other", async () => {
    const asked: string[] = [];
    const canUseTool = toCanUseTool(
      async (request) => {
        asked.push(request.toolName);
        return { allow: false, reason: 'no' };
      },
      DIR,
      undefined,
      { preapproved: ['mcp__bridge__send_file'] },
    );
    const input = { path: 'report.pdf' };
    expect(await canUseTool('mcp__bridge__send_file', input, context())).toEqual({
      behavior: 'allow',
      updatedInput: input,
    });
    expect((await canUseTool('mcp__other__send_file', input, context()))?.behavior).toBe('deny');
    expect(asked).toEqual(['mcp__other__send_file']);
  });

  it('passes the suggestions and why Claude Code asks', async () => {
    const asked: PermissionRequest[] = [];
    const suggestions = [
      {
        type: 'addRules' as const,
        rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }],
        behavior: 'allow' as const,
        destination: 'session' as const,
      },
    ];
    await toCanUseTool(async (request) => {
      asked.push(request);
      return { allow: true };
    }, DIR)('Bash', { command: 'npm test' }, { ...context(), suggestions, blockedPath: '/etc/x' });
    expect(asked[0]).toMatchObject({ suggestions, blockedPath: '/etc/x' });
  });

  it('an allow with a rule, a mode and a new input tells Claude Code all three', async () => {
    const input = { questions: [] };
    const result = await toCanUseTool(
      async () => ({
        allow: true,
        rule: { toolName: 'Bash', ruleContent: 'npm test:*' },
        mode: 'acceptEdits',
        updatedInput: { ...input, answers: { q: 'a' } },
      }),
      DIR,
    )('AskUserQuestion', input, context());
    expect(result).toEqual({
      behavior: 'allow',
      updatedInput: { questions: [], answers: { q: 'a' } },
      updatedPermissions: [
        {
          type: 'addRules',
          rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }],
          behavior: 'allow',
          destination: 'session',
        },
        { type: 'setMode', mode: 'acceptEdits', destination: 'session' },
      ],
    });
  });

  it('denies with the reason given', async () => {
    const canUseTool = toCanUseTool(async () => ({ allow: false, reason: 'not on my phone' }), DIR);
    expect(await canUseTool('Write', { file_path: 'a.txt' }, context())).toEqual({
      behavior: 'deny',
      message: 'not on my phone',
    });
  });

  it('denies when asking fails, instead of leaving Claude Code waiting', async () => {
    const canUseTool = toCanUseTool(async () => {
      throw new Error('chat unreachable');
    }, DIR);
    const decision = await canUseTool('Bash', { command: 'ls' }, context());
    expect(denyMessage(decision)).toContain('chat unreachable');
  });

  it('by default refuses tools that need approval, telling the model why and not to retry', async () => {
    const decision = await toCanUseTool(denyToolsNeedingApproval, DIR)(
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
