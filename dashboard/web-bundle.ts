import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SsprError } from '../core/errors.ts';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));
const DIST = join(WEB, 'dist');
/** The source hash the bundle in dist/ was built from. */
const STAMP = '.source-hash';

/** Every file the bundle is built from (the web sources, and the lockfile that pins React and recharts), in order. */
function sources(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (path === DIST || name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(WEB);
  const lock = fileURLToPath(new URL('../package-lock.json', import.meta.url));
  return existsSync(lock) ? [...files, lock] : files;
}

/** SHA-256 over the sources' paths and bytes: the bundle is stale exactly when this changes. */
export function webSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sources()) hash.update(relative(WEB, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * The folder of the built web app, building it first when it is missing or older than its sources. It is built
 * here, on the first `sspr serve` after a clone or a change, rather than by an install script: `npm ci` stays
 * free of build steps, and the app served always matches the checked-out sources. The build goes to a temporary
 * folder that then replaces dist/, so a concurrent server never reads half a bundle.
 */
export async function ensureWebBundle(say: (text: string) => void = () => {}, force = false): Promise<string> {
  const hash = webSourceHash();
  const stamp = join(DIST, STAMP);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(DIST, 'index.html'))) return DIST;
  say('building the web app (once after a change to dashboard/web)…\n');
  const out = join(WEB, `dist.${process.pid}.tmp`);
  try {
    const vite = await import('vite');
    await vite.build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    writeFileSync(join(out, STAMP), hash);
    rmSync(DIST, { recursive: true, force: true });
    renameSync(out, DIST);
  } catch (cause) {
    rmSync(out, { recursive: true, force: true });
    throw new SsprError('WEB_BUILD_FAILED', `cannot build the web app in ${WEB}: ${(cause as Error).message} (is vite installed? run npm ci)`, { cause });
  }
  return DIST;
}

// `npm run build:web`: build now, whether or not dist/ is current.
if (import.meta.main) {
  process.stderr.write(`web app built into ${await ensureWebBundle((text) => process.stderr.write(text), true)}\n`);
}
