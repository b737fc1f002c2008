/** How a session's settings become the Agent SDK's options for one Claude Code process. */
import { describe, expect, it } from 'vitest';
import { sdkOptionsFor } from '../../src/claude/options.ts';
import type { ClaudeProcessHandle } from '../../src/claude/spawn.ts';
import { testLogger } from './world.ts';

const base = { cwd: '/srv/sessions/demo', env: { HOME: '/home/bot' }, logger: testLogger() };

describe('sdkOptionsFor', () => {
  it("passes the persona's settings and appends its prompt to Claude Code's own", () => {
    const options = sdkOptionsFor(
      {
        ...base,
        personaPrompt: 'You are the PLANNER.',
        model: 'claude-opus-5-5',
        maxTurns: 12,
        permissionMode: 'acceptEdits',
        claudePath: '/usr/local/bin/claude',
      },
      'a-session-id',
      testLogger(),
      () => {},
    );
    expect(options).toMatchObject({
      cwd: '/srv/sessions/demo',
      env: { HOME: '/home/bot' },
      resume: 'a-session-id',
      systemPrompt: { type: 'preset', preset: 'claude_code', append: 'You are the PLANNER.' },
      model: 'claude-opus-5-5',
      maxTurns: 12,
      permissionMode: 'acceptEdits',
      pathToClaudeCodeExecutable: '/usr/local/bin/claude',
    });
    expect(typeof options.canUseTool).toBe('function');
    expect(typeof options.spawnClaudeCodeProcess).toBe('function');
  });

  it('leaves out what is not set, and reads the settings files the CLI reads', () => {
    const options = sdkOptionsFor(base, undefined, testLogger(), () => {});
    for (const key of ['resume', 'model', 'maxTurns', 'permissionMode', 'pathToClaudeCodeExecutable'])
      expect(options).not.toHaveProperty(key);
    expect(options.settingSources).toEqual(['user', 'project', 'local']);
  });

  it('builds the MCP servers afresh for every process, and allows the tools it is told to', () => {
    let built = 0;
    const withServers = {
      ...base,
      mcpServers: () => ({ bridge: { type: 'stdio' as const, command: `server-${++built}` } }),
      allowedTools: ['mcp__bridge__send_file'],
    };
    const first = sdkOptionsFor(withServers, undefined, testLogger(), () => {});
    const restarted = sdkOptionsFor(withServers, 'a-session-id', testLogger(), () => {});
    expect(first.mcpServers).toEqual({ bridge: { type: 'stdio', command: 'server-1' } });
    expect(restarted.mcpServers).toEqual({ bridge: { type: 'stdio', command: 'server-2' } });
    expect(first.allowedTools).toEqual(['mcp__bridge__send_file']);
    const plain = sdkOptionsFor(base, undefined, testLogger(), () => {});
    expect(plain).not.toHaveProperty('mcpServers');
    expect(plain).not.toHaveProperty('allowedTools');
  });

  it('tells onSpawned of each process it spawns: the very process the SDK gets', async () => {
    const spawned: ClaudeProcessHandle[] = [];
    const options = sdkOptionsFor(
      { ...base, cwd: process.cwd(), onSpawned: (handle) => spawned.push(handle) },
      undefined,
      testLogger(),
      () => {},
    );
    const child = options.spawnClaudeCodeProcess?.({
      command: 'sh',
      args: ['-c', 'exit 0'],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
      signal: new AbortController().signal,
    });
    expect(spawned).toHaveLength(1);
    expect(spawned[0]?.child).toBe(child);
    expect(spawned[0]?.pid).toBeGreaterThan(0);
    expect(spawned[0]?.marker).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => child?.once('exit', resolve));
  });
});
