// Where the API client's credentials, zones and root URL come from, in the official clients'
// order (api-client-go `options.go`, `profile/profile.go`): defaults < usacloud profile <
// environment < this product's configuration (which never holds secrets).

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors.ts';
import type { SakuraConfig } from './config.ts';

export const DEFAULT_API_ROOT = 'https://secure.sakura.ad.jp/cloud/zone';
export const DEFAULT_ZONE = 'is1b';

export interface SakuraSettings {
  accessToken: string;
  accessTokenSecret: string;
  zones: string[];
  apiRootUrl: string;
  /** Where the credentials came from, for messages (never the values). */
  origin: string;
}

const first = (env: NodeJS.ProcessEnv, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
};

interface Profile {
  AccessToken?: string;
  AccessTokenSecret?: string;
  Zone?: string;
  Zones?: string[];
}

/** `<dir>/.usacloud/<profile>/config.json`; dir is $SAKURA_PROFILE_DIR / $USACLOUD_PROFILE_DIR or $HOME. */
function readProfile(
  env: NodeJS.ProcessEnv,
  wanted: string | null,
): { profile: Profile; file: string } | null {
  const base = path.join(
    first(env, 'SAKURA_PROFILE_DIR', 'USACLOUD_PROFILE_DIR') ?? os.homedir(),
    '.usacloud',
  );
  let name = wanted ?? first(env, 'SAKURA_PROFILE', 'SAKURACLOUD_PROFILE', 'USACLOUD_PROFILE') ?? null;
  if (name === null) {
    try {
      name = readFileSync(path.join(base, 'current'), 'utf8').trim() || 'default';
    } catch {
      name = 'default';
    }
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '..')
    throw new UserError(`the usacloud profile name '${name}' is not valid`, {
      hint: 'use letters, digits, ".", "_" and "-" only',
    });
  const file = path.join(base, name, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (wanted !== null)
      throw new UserError(`the usacloud profile ${name} was not found at ${file}`, {
        hint: 'create it with `usacloud config create` or fix sakura.profile',
      });
    return null;
  }
  try {
    return { profile: JSON.parse(text) as Profile, file };
  } catch {
    // The parser's message quotes the text around the error, which may be the secret: never shown.
    throw new UserError(`the usacloud profile ${file} is not valid JSON`, {
      hint: 'fix the file or remove it and set SAKURA_ACCESS_TOKEN / SAKURA_ACCESS_TOKEN_SECRET instead',
    });
  }
}

export function resolveSakuraSettings(config: SakuraConfig, env: NodeJS.ProcessEnv): SakuraSettings {
  const p = readProfile(env, config.profile);
  const token = first(env, 'SAKURA_ACCESS_TOKEN', 'SAKURACLOUD_ACCESS_TOKEN');
  const secret = first(env, 'SAKURA_ACCESS_TOKEN_SECRET', 'SAKURACLOUD_ACCESS_TOKEN_SECRET');
  const accessToken = token ?? p?.profile.AccessToken ?? '';
  const accessTokenSecret = secret ?? p?.profile.AccessTokenSecret ?? '';
  if (accessToken === '' || accessTokenSecret === '')
    throw new UserError('no Sakura Cloud API key was found', {
      hint: 'set SAKURA_ACCESS_TOKEN and SAKURA_ACCESS_TOKEN_SECRET, or create a usacloud profile (docs/sakura.md)',
    });
  const envZones = first(env, 'SAKURACLOUD_ZONES')
    ?.split(',')
    .map((z) => z.trim())
    .filter((z) => z !== '');
  const envZone = first(env, 'SAKURA_ZONE', 'SAKURACLOUD_ZONE');
  const zones =
    config.zones.length > 0
      ? [...config.zones]
      : (envZones ??
        (envZone !== undefined
          ? [envZone]
          : (p?.profile.Zones ?? (p?.profile.Zone ? [p.profile.Zone] : [DEFAULT_ZONE]))));
  for (const z of zones)
    if (!/^[a-z0-9]+$/.test(z))
      throw new UserError(`'${z}' is not a Sakura Cloud zone name`, { hint: 'zones look like is1a, tk1b' });
  const apiRootUrl = (
    config.apiRootUrl ??
    first(env, 'SAKURA_API_ROOT_URL', 'SAKURACLOUD_API_ROOT_URL') ??
    DEFAULT_API_ROOT
  ).replace(/\/+$/, '');
  const origin = token !== undefined ? 'environment' : `usacloud profile ${p?.file ?? ''}`;
  return { accessToken, accessTokenSecret, zones, apiRootUrl, origin };
}
