import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { defaultConfig } from '../config/schema.ts';
import { serveRole } from './roles.ts';

describe('serve --role', () => {
  it('refuses an unknown role with a hint', async () => {
    for (const role of ['worker', 'all']) {
      const e: unknown = await serveRole(role, defaultConfig(), '/nonexistent', new PassThrough()).catch(
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).hint).toMatch(/role|--role all/);
    }
  });

  it('refuses the detect role without bus servers, naming the setting', async () => {
    const e: unknown = await serveRole('detect', defaultConfig(), '/nonexistent', new PassThrough()).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).hint).toMatch(/bus\.servers/);
  });
});
