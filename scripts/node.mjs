#!/usr/bin/env node
// Runs a script under Node.js >= 22.13 (the project targets Node 24 LTS). When the node on PATH is older
// (Debian images still ship Node 20), it installs Node 24 from the npm registry's `node` package into
// $HOME/.cache/node24 once and re-runs itself there. Plain JavaScript on purpose: it must run on old nodes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
// node:sqlite needs 22.13; TypeScript type stripping is on by default from 22.18 and behind a flag before.
const modern = major > 22 || (major === 22 && minor >= 13);
const stripFlag = modern && major === 22 && minor < 18 ? ['--experimental-strip-types'] : [];
const args = process.argv.slice(2);

let node = process.execPath;
if (!modern) {
  const prefix = process.env.SSPR_NODE_PREFIX ?? join(homedir(), '.cache', 'node24');
  node = join(prefix, 'bin', 'node');
  if (!existsSync(node)) {
    process.stderr.write(`sspr-watch needs Node >= 22.13 (found ${process.version}); installing Node 24 into ${prefix}\n`);
    const npm = spawnSync('npm', ['install', '--silent', '--prefix', prefix, '-g', 'node@24'], { stdio: 'inherit' });
    if (npm.status !== 0 || !existsSync(node)) {
      process.stderr.write('could not install Node 24; install Node 24 LTS and try again\n');
      process.exit(1);
    }
  }
}
const child = spawnSync(node, ['--disable-warning=ExperimentalWarning', ...stripFlag, ...args], { stdio: 'inherit' });
if (child.error) throw child.error;
process.exit(child.status ?? (child.signal ? 1 : 0));
