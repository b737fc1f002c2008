// `npm start`: runs src/main.ts bundled by esbuild (ES modules), cached by the sources' and esbuild's hash.
//
// Why not `node --import tsx src/main.ts`: tsx resolves and compiles every module on a loader thread that
// the main thread waits on, module by module. Measured with bench/startup.ts on this project: start to
// polling took about twice as long and the bot held about 45 MB more (the loader thread's own V8 heap).
// The bundle keeps the dependencies external (node_modules is loaded as usual) and each source file's
// `import.meta.url` (paths beside the source, such as the shipped personas, resolve as before).
// A first start after a change of src/ builds the bundle (a fraction of a second); later starts reuse it.
// No source map: it would cost the bot about 13 MB. The bundle is plain, readable JavaScript in
// .cache/start/, and esbuild heads each part with the source file it came from (`// src/app.ts`).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

// Memory (issue 13: the bot's RSS with 20 live sessions under 100 MB). package.json's start script,
// which the service unit mirrors (scripts/install-service.ts), runs this with:
// - `--optimize-for-size`: V8 keeps the heap small (a young generation of 1 MB per semi-space instead
//   of up to 16, a slower-growing old generation) at a small cost in CPU per turn;
// - MALLOC_ARENA_MAX=2 and fixed MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ (128 KB, glibc's
//   default before it raises them on its own): glibc gives freed memory back instead of keeping it
//   in one arena per thread; parsing the Agent SDK alone otherwise leaves about 10 MB behind.
// Figures in bench/scale.ts. glibc read the MALLOC_ settings as this process started: they are
// removed here so Claude Code and the tools it runs keep their usual allocator.
for (const name of Object.keys(process.env)) if (name.startsWith('MALLOC_')) delete process.env[name];

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = path.join(root, 'src');
const cacheDir = path.join(root, '.cache', 'start');
/**
 * Part of the hash: a change of how the bundle is built makes a new one. With `splitting`, what main.ts
 * imports dynamically (the app, once the settings are valid) stays a chunk of its own, loaded only then:
 * bad settings are reported before grammY or the Agent SDK are loaded.
 */
const BUILD_OPTIONS = {
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
};

async function sourcesHash() {
  const files = (await readdir(sourceDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
  const hash = createHash('sha256').update(JSON.stringify({ ...BUILD_OPTIONS, esbuildVersion }));
  for (const file of files)
    hash
      .update(path.relative(root, file))
      .update('\0')
      .update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

/** Each source file keeps its own `import.meta.url`, as when it runs unbundled. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

async function bundle(outdir) {
  await mkdir(cacheDir, { recursive: true });
  // Several bots may start at once from one checkout (the e2e tests do): each builds into a directory
  // of its own and renames it into place, which is atomic, so none ever runs a half-written bundle.
  const partial = `${outdir}.${process.pid}.partial`;
  await build({
    ...BUILD_OPTIONS,
    absWorkingDir: root,
    entryPoints: [path.join(sourceDir, 'main.ts')],
    outdir: partial,
    logLevel: 'warning',
    plugins: [ownImportMetaUrl],
  });
  try {
    await rename(partial, outdir);
  } catch (error) {
    // Another start renamed the same bundle into place first.
    if (!existsSync(path.join(outdir, 'main.js'))) throw error;
    await rm(partial, { recursive: true, force: true });
  }
  for (const old of await readdir(cacheDir)) {
    if (old !== path.basename(outdir) && !old.endsWith('.partial')) {
      await rm(path.join(cacheDir, old), { recursive: true, force: true });
    }
  }
}

const outdir = path.join(cacheDir, await sourcesHash());
const main = path.join(outdir, 'main.js');
if (!existsSync(main)) await bundle(outdir);
await import(pathToFileURL(main).href);
