import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SEND_FILE_TOOL_NAME } from '../../../src/claude/tools/bridge.ts';

const personasDir = path.resolve(import.meta.dirname, '../../../personas');
const persona = z.object({ name: z.string(), system_prompt: z.string() });

describe('the shipped personas', () => {
  const files = readdirSync(personasDir).filter((file) => file.endsWith('.json'));

  it.each(files)('%s tells Claude about send_file and the inbox', (file) => {
    const { system_prompt } = persona.parse(JSON.parse(readFileSync(path.join(personasDir, file), 'utf8')));
    expect(system_prompt).toContain(SEND_FILE_TOOL_NAME);
    expect(system_prompt).toContain('inbox/');
  });
});
