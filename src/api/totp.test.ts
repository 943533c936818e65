import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from './totp.ts';

// RFC 6238 appendix B, SHA-1 rows: secret "12345678901234567890", 8 digits there; the last 6
// digits are the 6-digit code.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
];

describe('TOTP', () => {
  it('base32 round-trips', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 7, 9]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  it('matches the RFC 6238 test vectors', () => {
    for (const [t, code8] of VECTORS) expect(totpCode(RFC_SECRET, t * 1000), String(t)).toBe(code8.slice(2));
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    expect(hotp(Buffer.from('12345678901234567890'), 0)).toBe('755224');
    expect(hotp(Buffer.from('12345678901234567890'), 9)).toBe('520489');
  });

  it('accepts one step of skew and nothing further', () => {
    const t = 1_700_000_000_000;
    const code = totpCode(RFC_SECRET, t);
    expect(verifyTotp(RFC_SECRET, code, t)).toBe(Math.floor(t / 30000));
    expect(verifyTotp(RFC_SECRET, code, t + 30_000)).not.toBeNull();
    expect(verifyTotp(RFC_SECRET, code, t + 95_000)).toBeNull();
    expect(verifyTotp(RFC_SECRET, '12345', t)).toBeNull();
  });
});
