import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeProcess {
  url: string;
  /** The one-time admin sign-in link `sspr serve` printed (none once an admin token exists). */
  link: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the real `sspr serve` as a child process on 127.0.0.1:0 and waits until it prints its URL (and, on a
 * store without an admin token, the one-time admin link). Output is kept for the failure message.
 */
export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, ['cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<{ url: string; link: string | undefined }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /dashboard on (http:\/\/\S+\/)/.exec(out)?.[1];
      if (url !== undefined && out.includes('serving; Ctrl+C stops')) resolve({ url, link: /(http:\/\/\S+\/auth\/link\?code=\S+)/.exec(out)?.[1] });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void exited.then((code) => reject(new Error(`sspr serve exited with ${code} before it was ready\nstdout: ${out}\nstderr: ${err}`)));
  });
  const { url, link } = await ready;
  return {
    url,
    link,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`sspr serve exited with ${code} on SIGTERM\nstderr: ${err}`);
    },
  };
}
