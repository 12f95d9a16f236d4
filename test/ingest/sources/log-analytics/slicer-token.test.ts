import { describe, expect, it } from 'vitest';
import { parseDuration, parseTimeOrAgo } from '../../../../cli/durations.ts';
import { parseToken, scopeFor, staticTokenCredential } from '../../../../ingest/sources/log-analytics/credential.ts';
import { parseLogAnalyticsSettings, slicePolicy } from '../../../../ingest/sources/log-analytics/settings.ts';
import { looksTruncated, nextSliceMs, splitSliceMs } from '../../../../ingest/sources/log-analytics/slicer.ts';

const policy = slicePolicy(parseLogAnalyticsSettings({ slice: { targetRows: 1000, targetMegabytes: 1, minSeconds: 1, maxHours: 24 } }));
const HOUR = 3_600_000;

describe('adaptive slices', () => {
  it('doubles an empty slice, halves a slice far over target, and keeps one on target', () => {
    expect(nextSliceMs(HOUR, 0, 0, policy)).toBe(2 * HOUR);
    expect(nextSliceMs(HOUR, 50_000, 100, policy)).toBe(HOUR / 2);
    expect(nextSliceMs(HOUR, 1000, 1000, policy)).toBe(HOUR);
  });

  it('sizes by bytes when rows are large, and stays within the bounds', () => {
    expect(nextSliceMs(HOUR, 100, 2 * 1024 * 1024, policy)).toBe(HOUR / 2);
    expect(nextSliceMs(20 * HOUR, 0, 0, policy)).toBe(24 * HOUR);
    expect(nextSliceMs(1500, 1e6, 1e9, policy)).toBe(1000);
  });

  it('splits in half down to the shortest slice, then refuses', () => {
    expect(splitSliceMs(HOUR, policy)).toBe(HOUR / 2);
    expect(splitSliceMs(1500, policy)).toBe(1000);
    expect(splitSliceMs(1000, policy)).toBeUndefined();
    expect(looksTruncated(500_000, slicePolicy(parseLogAnalyticsSettings({})))).toBe(true);
    expect(looksTruncated(499_999, slicePolicy(parseLogAnalyticsSettings({})))).toBe(false);
  });
});

describe('settings', () => {
  it('fills defaults and names the bad field with its path', () => {
    const s = parseLogAnalyticsSettings(undefined);
    expect([s.overlapMinutes, s.slice.rowLimit, s.retry.maxAttempts, s.serverTimeoutSeconds]).toEqual([30, 500_000, 6, 180]);
    expect(() => parseLogAnalyticsSettings({ slice: { targetRows: -1 } })).toThrowError(/logAnalytics\.slice\.targetRows/);
    expect(() => parseLogAnalyticsSettings({ serverTimeoutSeconds: 601 })).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => parseLogAnalyticsSettings({ endpoint: 'http://api.loganalytics.io/v1' })).toThrowError(/logAnalytics\.endpoint/);
  });
});

describe('static tokens', () => {
  const jwt = (exp: number) => ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'x'].join('.');

  it('reads the bare token, a JWT expiry, and what az account get-access-token prints', () => {
    expect(parseToken(' opaque-token\n')).toEqual({ token: 'opaque-token' });
    expect(parseToken(jwt(1_800_000_000))).toEqual({ token: jwt(1_800_000_000), expiresOnMs: 1_800_000_000_000 });
    expect(parseToken(JSON.stringify({ accessToken: 'a', expires_on: 1_800_000_000, expiresOn: '2027-01-15 10:00:00.000000' }))).toEqual({
      token: 'a',
      expiresOnMs: 1_800_000_000_000,
    });
    for (const bad of ['', 'two tokens', '{"accessToken":', '{"tokenType":"Bearer"}']) {
      expect(() => parseToken(bad)).toThrowError(expect.objectContaining({ code: 'SOURCE_AUTH_FAILED' }));
    }
  });

  it('refuses an expired token before any request and reports an unknown expiry as five minutes out', async () => {
    const now = 1_800_000_000_000;
    await expect(staticTokenCredential({ kind: 'env', text: jwt(1_799_999_999) }, () => now).getToken([])).rejects.toMatchObject({
      code: 'SOURCE_AUTH_FAILED',
    });
    expect(await staticTokenCredential({ kind: 'env', text: 'opaque' }, () => now).getToken([])).toEqual({
      token: 'opaque',
      expiresOnTimestamp: now + 300_000,
      tokenType: 'Bearer',
    });
    await expect(staticTokenCredential({ kind: 'file', path: '/nonexistent/token' }).getToken([])).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED' });
  });

  it('asks for the audience of the cloud the endpoint is in', () => {
    expect(scopeFor('https://api.loganalytics.io/v1')).toBe('https://api.loganalytics.io/.default');
    expect(scopeFor('https://api.loganalytics.us/v1')).toBe('https://api.loganalytics.us/.default');
    expect(scopeFor('https://api.loganalytics.azure.cn/v1')).toBe('https://api.loganalytics.azure.cn/.default');
    expect(scopeFor('https://127.0.0.1:8443/v1')).toBe('https://api.loganalytics.io/.default');
  });
});

describe('duration flags', () => {
  it('reads durations and times ago, and rejects anything else as a usage error', () => {
    expect([parseDuration('60s', 'every'), parseDuration('30m', 'x'), parseDuration('1.5h', 'x'), parseDuration('250ms', 'x'), parseDuration('90', 'x')]).toEqual([
      60_000, 1_800_000, 5_400_000, 250, 90_000,
    ]);
    expect(parseTimeOrAgo('2h', 'since', 10 * HOUR)).toBe(8 * HOUR);
    expect(parseTimeOrAgo('2026-03-02T00:00:00Z', 'since', 0)).toBe(Date.parse('2026-03-02T00:00:00Z'));
    expect(() => parseDuration('soon', 'every')).toThrowError(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseTimeOrAgo('yesterday', 'since', 0)).toThrowError(/--since/);
  });
});
