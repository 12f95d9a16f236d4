import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { openAlertRuntime, type AlertRuntime } from '../../alerts/runtime.ts';
import { sampleAlerts } from './helpers/alerts.ts';
import { startSmtp, type SmtpSink } from './helpers/smtp.ts';

describe('email alerts through a real SMTP server', () => {
  let smtp: SmtpSink;
  let runtime: AlertRuntime;
  beforeAll(async () => {
    smtp = await startSmtp({ auth: { user: 'sspr-watch', pass: 'smtp-pass-Zq81' } });
    const config = parseAlertsConfig({
      dashboardUrl: 'https://sspr.example.org',
      channels: {
        oncall: {
          type: 'email',
          smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'sspr-watch', pass: 'smtp-pass-Zq81' } },
          from: 'sspr-watch <sspr@example.org>',
          to: ['soc-oncall@example.org', 'lead@example.org'],
        },
      },
      routes: [{ name: 'page', channels: ['oncall'] }],
    });
    runtime = openAlertRuntime(config);
  });
  afterAll(async () => {
    await runtime.close();
    await smtp.close();
  });

  it('sends an HTML and a plain-text part that say what, who, where, when, why, the evidence, what to do and the link', async () => {
    const sender = runtime.senders.get('oncall')!;
    expect(await sender.send(sampleAlerts().created, 'msg_mail1')).toMatchObject({ ok: true });
    const [mail] = await smtp.waitFor(1);
    expect(smtp.logins).toEqual([{ user: 'sspr-watch', pass: 'smtp-pass-Zq81' }]);
    expect(mail!.subject).toBe('[HIGH] mfa-fatigue: alice@contoso.com: 8 refused MFA pushes in 10 minutes');
    expect(mail!.messageId).toBe('<msg_mail1@sspr-watch>');
    expect(mail!.headers.get('x-sspr-finding')).toBe('f-1');
    expect((mail!.to as { value: Array<{ address: string }> }).value.map((v) => v.address)).toEqual(['soc-oncall@example.org', 'lead@example.org']);
    const text = mail!.text ?? '';
    for (const line of [
      'Who: alice@contoso.com',
      'From: Lagos, NG (203.0.113.7)',
      'When: 2026-03-02 03:00:00 UTC → 2026-03-02 03:10:00 UTC',
      'Eight distinct MFA pushes were refused within ten minutes.',
      'Threshold: minDenials 5, windowMinutes 30',
      '2026-03-02 03:00:00 UTC | mfa.challenge failure | alice@contoso.com | 203.0.113.7 Lagos, NG | denied',
      'Call the user on a known number.',
      'Open in sspr-watch: https://sspr.example.org/findings/f-1',
    ]) {
      expect(text).toContain(line);
    }
    const html = typeof mail!.html === 'string' ? mail!.html : '';
    expect(html).toMatch(/<th[^>]*>Who<\/th><td[^>]*>alice@contoso\.com<\/td>/);
    expect(html).toMatch(/<h3[^>]*>Why it fired<\/h3>/);
    expect(html).toMatch(/<tr><td[^>]*>2026-03-02 03:10:00 UTC<\/td><td[^>]*>mfa\.challenge failure<\/td>/);
    expect(html).toMatch(/<h3[^>]*>What to do<\/h3><p[^>]*>Call the user on a known number\./);
    expect(html).toContain('href="https://sspr.example.org/findings/f-1"');
  });

  it('sends a digest as one message listing every held finding', async () => {
    const sender = runtime.senders.get('oncall')!;
    expect(await sender.send(sampleAlerts().digest, 'msg_mail2')).toMatchObject({ ok: true });
    const mails = await smtp.waitFor(2);
    const digest = mails[1]!;
    expect(digest.subject).toBe('sspr-watch digest: 2 finding(s) held by the throttle on route rest');
    expect(digest.text).toContain('[HIGH] mfa-fatigue · bob@contoso.com (new)');
    expect(digest.text).toContain('[CRITICAL] reset-spray');
    expect(typeof digest.html === 'string' && (digest.html.match(/<tr>/g) ?? []).length).toBe(3);
  });
});
