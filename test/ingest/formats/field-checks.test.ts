import { describe, expect, it } from 'vitest';
import { isPlaceholder, isUpn, normalizeIp, upnProblem } from '../../../ingest/formats/field-checks.ts';

describe('field checks', () => {
  it('accepts IPv4, IPv6 and IPv4-mapped IPv6, in the event model’s form', () => {
    expect(normalizeIp('203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp(' 2001:DB8::1 ')).toBe('2001:db8::1');
    expect(normalizeIp('2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6')).toBe('2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6');
    expect(normalizeIp('::ffff:10.0.0.12')).toBe('10.0.0.12');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('64:ff9b::192.0.2.33')).toBe('64:ff9b::192.0.2.33');
  });

  it('refuses placeholders, host names and malformed addresses', () => {
    for (const bad of ['<IP ADDRESS>', '<CALLER IP ADDRESS>', 'WORKSTATION5', '-', '256.1.1.1', '1.2.3', '01.2.3.4', '::2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', '1::2::3', '::ffff:999.0.0.1', '12345::']) {
      expect(normalizeIp(bad), bad).toBeUndefined();
    }
  });

  it('tells a user principal name from a placeholder or an object id', () => {
    expect(isUpn('alice.wong@contoso.com')).toBe(true);
    expect(isUpn('alice_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe(true);
    expect(isUpn('Sync_SRV01_1a2b3c@contoso.onmicrosoft.com')).toBe(true);
    for (const bad of ['<USER PRINCIPAL NAME>', 'c3813493-bf92-5123-2717-8a8b2979c38b', 'alice', 'alice@', '@contoso.com', 'a b@contoso.com', 'alice@localhost']) {
      expect(isUpn(bad), bad).toBe(false);
    }
    expect(upnProblem('<USER PRINCIPAL NAME>')).toBe('a documentation placeholder');
    expect(upnProblem('c3813493-bf92-5123-2717-8a8b2979c38b')).toBe('an object id, not a UPN');
    expect(isPlaceholder('<USER ID>')).toBe(true);
    expect(isPlaceholder('26be570a-ae82-4189-b4e2-a37c6808512d')).toBe(false);
  });
});
