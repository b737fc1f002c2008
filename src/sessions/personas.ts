import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { readJson } from './atomic.ts';
import { isValidName, NAME_PATTERN } from './names.ts';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/**
 * A persona: text appended to Claude Code's own system prompt, plus settings for its process.
 * `settings` is strict so that a misspelt key (say `permision_mode`) is reported, not ignored.
 */
export const PersonaSchema = z.object({
  name: z.string().regex(NAME_PATTERN, `must match ${NAME_PATTERN}`),
  description: z.string(),
  system_prompt: z.string(),
  settings: z
    .strictObject({
      model: z.string().trim().min(1).optional(),
      max_turns: z.number().int().positive().optional(),
      permission_mode: z.enum(PERMISSION_MODES).optional(),
    })
    .default({}),
});

export type Persona = z.output<typeof PersonaSchema>;

/** The `personas/` folder shipped with the bridge. */
export const SHIPPED_PERSONAS_DIR = fileURLToPath(new URL('../../personas/', import.meta.url));

export interface PersonaLibraryOptions {
  /** The shipped library, usually `SHIPPED_PERSONAS_DIR`. */
  shippedDir: string;
  /** The owner's own personas, `DATA_DIR/personas`; may not exist. */
  ownerDir: string;
  logger: Logger;
}

/**
 * The shipped personas plus the owner's, read from disk on every call so that a persona the
 * owner adds or edits is picked up without a restart. An owner persona overrides a shipped one
 * of the same name; an invalid owner file is skipped with a warning.
 */
export class PersonaLibrary {
  private readonly shippedDir: string;
  private readonly ownerDir: string;
  private readonly logger: Logger;

  constructor(options: PersonaLibraryOptions) {
    this.shippedDir = options.shippedDir;
    this.ownerDir = options.ownerDir;
    this.logger = options.logger;
  }

  /** The persona called `name`, or undefined if there is none (or the name is invalid). */
  async get(name: string): Promise<Persona | undefined> {
    if (!isValidName(name)) return undefined;
    return (await this.load(this.ownerDir, name)) ?? (await this.load(this.shippedDir, name));
  }

  /** Every available persona, sorted by name. */
  async list(): Promise<Persona[]> {
    const byName = new Map<string, Persona>();
    for (const dir of [this.shippedDir, this.ownerDir]) {
      for (const name of await this.namesIn(dir)) {
        const persona = await this.load(dir, name);
        if (persona) byName.set(name, persona);
      }
    }
    return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
  }

  private async namesIn(dir: string): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn({ dir, err: error }, 'cannot read the persona folder');
      }
      return [];
    }
    const names: string[] = [];
    for (const file of files) {
      if (!file.endsWith('.json')) continue;
      const name = file.slice(0, -'.json'.length);
      if (isValidName(name)) names.push(name);
      else
        this.logger.warn(
          { file: path.join(dir, file) },
          `persona skipped: its file name must match ${NAME_PATTERN}`,
        );
    }
    return names;
  }

  private async load(dir: string, name: string): Promise<Persona | undefined> {
    const file = path.join(dir, `${name}.json`);
    const result = await readJson(file, PersonaSchema);
    if (!result.ok) {
      if (result.error === 'malformed')
        this.logger.warn({ file, problem: result.detail }, 'persona skipped: invalid');
      return undefined;
    }
    if (result.value.name !== name) {
      this.logger.warn(
        { file, name: result.value.name },
        'persona skipped: its "name" must match its file name',
      );
      return undefined;
    }
    return result.value;
  }
}

/** Case-insensitive order, with a stable tie-break, for lists the owner reads. */
export function compareNames(a: string, b: string): number {
  const lower = a.toLowerCase().localeCompare(b.toLowerCase(), 'en');
  return lower !== 0 ? lower : a < b ? -1 : a > b ? 1 : 0;
}
