import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Persona,
  PersonaLibrary,
  PersonaSchema,
  SHIPPED_PERSONAS_DIR,
} from '../../src/sessions/personas.ts';
import { captureLogger, makeTempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
let ownerDir: string;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  ownerDir = path.join(dir, 'personas');
});
afterEach(() => cleanup());

function library() {
  const log = captureLogger();
  return {
    library: new PersonaLibrary({ shippedDir: SHIPPED_PERSONAS_DIR, ownerDir, logger: log.logger }),
    ...log,
  };
}

async function writeOwnerFile(fileName: string, content: unknown): Promise<void> {
  await mkdir(ownerDir, { recursive: true });
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  await writeFile(path.join(ownerDir, fileName), text);
}

const ops: Persona = {
  name: 'ops',
  description: 'Homelab operator',
  system_prompt: 'You look after the homelab.',
  settings: { model: 'claude-sonnet-4-5', max_turns: 20, permission_mode: 'acceptEdits' },
};

describe('the shipped persona library', () => {
  it('holds default, brainstorm, planner and research, each a valid persona named after its file', async () => {
    const files = (await readdir(SHIPPED_PERSONAS_DIR)).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(['brainstorm.json', 'default.json', 'planner.json', 'research.json']);
    for (const file of files) {
      const raw = JSON.parse(await readFile(path.join(SHIPPED_PERSONAS_DIR, file), 'utf8'));
      const persona = PersonaSchema.parse(raw);
      expect(`${persona.name}.json`).toBe(file);
      expect(persona.description.length).toBeGreaterThan(10);
      // Written for an owner reading on a phone, who must be told what changed on disk.
      expect(persona.system_prompt).toMatch(/phone/);
      expect(persona.system_prompt).toMatch(/No tables/);
      expect(persona.system_prompt).toMatch(/Changed:/);
    }
  });

  it('is what list() returns when the owner has no personas folder', async () => {
    const { library: lib, warnings } = library();
    const names = (await lib.list()).map((persona) => persona.name);
    expect(names).toEqual(['brainstorm', 'default', 'planner', 'research']);
    expect((await lib.get('planner'))?.system_prompt).toMatch(/numbered/);
    expect(warnings()).toEqual([]);
  });
});

describe('owner personas', () => {
  it('are added to the library, settings included', async () => {
    await writeOwnerFile('ops.json', ops);
    const { library: lib } = library();

    expect(await lib.get('ops')).toEqual(ops);
    expect((await lib.list()).map((persona) => persona.name)).toEqual([
      'brainstorm',
      'default',
      'ops',
      'planner',
      'research',
    ]);
  });

  it('override a shipped persona of the same name', async () => {
    const mine = { name: 'default', description: 'Mine', system_prompt: 'Answer in French.', settings: {} };
    await writeOwnerFile('default.json', mine);
    const { library: lib } = library();

    expect(await lib.get('default')).toEqual(mine);
    const defaults = (await lib.list()).filter((persona) => persona.name === 'default');
    expect(defaults).toEqual([mine]);
  });

  it('may leave out settings', async () => {
    await writeOwnerFile('plain.json', { name: 'plain', description: '', system_prompt: 'Be brief.' });
    expect((await library().library.get('plain'))?.settings).toEqual({});
  });

  it('are picked up without a restart', async () => {
    const { library: lib } = library();
    expect(await lib.get('ops')).toBeUndefined();
    await writeOwnerFile('ops.json', ops);
    expect(await lib.get('ops')).toEqual(ops);
  });

  it('are skipped with a warning when invalid, and the shipped one of that name is used instead', async () => {
    await writeOwnerFile('default.json', '{"name": "default", "desc');
    await writeOwnerFile('loud.json', { ...ops, name: 'loud', settings: { permission_mode: 'yolo' } });
    await writeOwnerFile('typo.json', { ...ops, name: 'typo', settings: { permision_mode: 'plan' } });
    await writeOwnerFile('zero.json', { ...ops, name: 'zero', settings: { max_turns: 0 } });
    await writeOwnerFile('alias.json', { ...ops, name: 'other' });
    await writeOwnerFile('bad name.json', { ...ops, name: 'bad name' });
    await writeOwnerFile('notes.txt', 'not a persona');
    const { library: lib, warnings } = library();

    const names = (await lib.list()).map((persona) => persona.name);
    expect(names).toEqual(['brainstorm', 'default', 'planner', 'research']);
    const shippedDefault = JSON.parse(
      await readFile(path.join(SHIPPED_PERSONAS_DIR, 'default.json'), 'utf8'),
    );
    expect(await lib.get('default')).toEqual(shippedDefault);
    for (const name of ['loud', 'typo', 'zero', 'alias', 'other'])
      expect(await lib.get(name)).toBeUndefined();

    const warned = warnings().map((line) => String(line.file));
    for (const file of [
      'default.json',
      'loud.json',
      'typo.json',
      'zero.json',
      'alias.json',
      'bad name.json',
    ]) {
      expect(warned.some((path) => path.endsWith(file))).toBe(true);
    }
  });

  it('cannot be reached through a name that is not a plain persona name', async () => {
    await writeFile(path.join(dir, 'escape.json'), JSON.stringify({ ...ops, name: 'escape' }));
    const { library: lib } = library();
    expect(await lib.get('../escape')).toBeUndefined();
    expect(await lib.get('')).toBeUndefined();
  });
});
