import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Geo, SsprEvent } from '../../core/event.ts';
import { privilegedReset } from '../../detectors/privileged-reset.ts';
import { takeoverChain } from '../../detectors/takeover-chain.ts';
import { detectFormat } from '../../ingest/formats/index.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { runAll } from './stream-harness.ts';

/**
 * An admin changing a user's MFA methods, as Entra logs it (Core Directory "Update user" of
 * StrongAuthenticationMethod): the verbatim Graph docs example, parsed by the real parser, must reach the two
 * detectors that judge method changes.
 */
const SAMPLE = 'fixtures/samples/entra-public/graph-beta-directoryaudit-get-update-user-mfa.json';

function parsedSample(): SsprEvent {
  const record = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Record<string, unknown>;
  const result = detectFormat(record)?.parse(record, { ref: SAMPLE });
  if (result?.kind !== 'event') throw new Error(`the sample did not parse: ${JSON.stringify(result)}`);
  return result.event;
}

const change = parsedSample();
const T = Date.parse(change.timestamp);
const at = (minutes: number): number => T + minutes * 60_000;
const USER = change.user.name;
const HOME = { ip: '203.0.113.10', geo: { city: 'Paris', country: 'FR', lat: 48.8566, lon: 2.3522, origin: 'log' } satisfies Geo };
const LAGOS = { ip: '198.51.100.77', geo: { city: 'Lagos', country: 'NG', lat: 6.5244, lon: 3.3792, origin: 'log' } satisfies Geo };

const signin = (minutes: number, where: typeof HOME): SsprEvent =>
  makeEvent({ dataset: 'entra.signin', action: 'signin', outcome: 'success', tags: ['interactive'], user: USER, at: at(minutes), source: where });
const reset = (minutes: number, where: typeof HOME): SsprEvent => makeEvent({ action: 'sspr.reset', outcome: 'success', user: USER, at: at(minutes), source: where });
const history = (): SsprEvent[] => [-10, -7, -4, -2].map((d) => signin(d * 24 * 60, HOME));

describe('an operator changing MFA methods, from a real Update user record', () => {
  it('is parsed as a method added by an admin', () => {
    expect(change).toMatchObject({ action: 'registration.added', actor: { kind: 'admin', name: 'tadmin@contoso.com' }, user: { name: 'tuser@contoso.com' }, authMethod: 'voice' });
  });

  it('is the registration step of a takeover chain after a reset from a new country', () => {
    const findings = runAll(takeoverChain, [...history(), reset(-5, LAGOS), change, signin(10, LAGOS)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence).toContain(change.id);
    expect(findings[0]?.summary).toContain('by admin tadmin@contoso.com');
  });

  it('does not make a chain new by itself: the network of the admin is not the user’s', () => {
    const fromLagos = { ...change, source: { ip: LAGOS.ip, geo: LAGOS.geo } };
    expect(runAll(takeoverChain, [...history(), reset(-5, HOME), fromLagos, signin(10, HOME)])).toEqual([]);
  });

  it('is a method change on a privileged account, raised to critical beside a reset', () => {
    const params = { ...privilegedReset.defaults, privilegedUsers: [USER] };
    const findings = runAll(privilegedReset, [change, reset(6, HOME)], params);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('critical');
    expect(findings[0]?.explanation.observed).toMatchObject({ methodChange: true, reset: true });
    expect(findings[0]?.evidence).toContain(change.id);
  });
});
