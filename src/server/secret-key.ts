// The server's secret key (32 random bytes in DATA_DIR/secret.key, mode 0600): it encrypts TOTP
// secrets at rest and signs CSRF tokens. Created at first start; never logged.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_STORE, UserError, errorMessage } from '../core/errors.ts';

export const SECRET_KEY_FILE = 'secret.key';

export function loadOrCreateSecretKey(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error('it does not hold 32 base64 bytes');
    return key;
  } catch (e) {
    throw new UserError(`cannot use the server key ${file}: ${errorMessage(e)}`, {
      hint: 'the data directory must be writable; a damaged key file can be deleted (TOTP enrolments and sessions are then lost)',
      exitCode: EXIT_STORE,
      cause: e,
    });
  }
}
