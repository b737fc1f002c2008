import { describe, expect, it } from 'vitest';
import { localCommandOutput } from '../../src/claude/local-command.ts';

describe('localCommandOutput', () => {
  it('reads what a slash command printed, as Claude Code 2.1.330 reports it', () => {
    expect(localCommandOutput('<local-command-stdout>Compacted </local-command-stdout>')).toBe('Compacted');
    expect(
      localCommandOutput([{ type: 'text', text: '<local-command-stdout>Done</local-command-stdout>' }]),
    ).toBe('Done');
  });

  it('ignores everything else, and empty output', () => {
    expect(localCommandOutput('<local-command-stdout></local-command-stdout>')).toBeUndefined();
    expect(localCommandOutput('plain text')).toBeUndefined();
    expect(localCommandOutput([{ type: 'tool_result', tool_use_id: 'x', content: 'hi' }])).toBeUndefined();
  });
});
