import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ConfigFile } from '../deps.ts';

/**
 * The config file on disk: read as text (undefined while it does not exist), replaced atomically (a temporary file
 * in the same folder, then a rename), validated by `validate` (whoever wires the server knows every section).
 */
export function configFileAt(path: string, validate: (config: unknown) => void): ConfigFile {
  return {
    path,
    read() {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    validate,
    write(text) {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}
