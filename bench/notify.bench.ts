// Notification figures: alert -> email accepted by a local SMTP server (latency), and a storm
// of 1,000 simultaneous alerts draining through the outbox with nothing lost and every channel
// within its rate limits. Real SQLite file, real SMTP server, the real Twilio SDK to a local endpoint.
import os from 'node:os';
import { NotifyHarness } from '../electron/core/notify/harness';
import { DEFAULT_RATE_LIMITS, type BucketLimit } from '../electron/core/notify/ratelimit';
import { percentile, report, rssMb } from './util';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The largest excess over what a token bucket allows in any window (<= 0 means within the limit), with 50 ms of network slack. */
function worstExcess(times: number[], limit: BucketLimit): { excess: number; maxPerSecond: number } {
  const t = [...times].sort((a, b) => a - b);
  let excess = -Infinity;
  let maxPerSecond = 0;
  for (let i = 0; i < t.length; i++) {
    for (let j = i; j < t.length; j++) {
      const windowSec = (t[j] - t[i] + 50) / 1000;
      excess = Math.max(excess, j - i + 1 - (limit.burst + limit.ratePerSec * windowSec));
      if (t[j] - t[i] < 1000) maxPerSecond = Math.max(maxPerSecond, j - i + 1);
    }
  }
  return { excess: t.length ? excess : 0, maxPerSecond };
}

async function latency(): Promise<void> {
  const h = await NotifyHarness.open({ realTime: true });
  try {
    h.service.start();
    const samples: number[] = [];
    const n = 200;
    for (let i = 0; i < n; i++) {
      const before = h.smtp.mails.length;
      const t0 = Date.now();
      h.trigger({ portfolio_id: `lat${i}`, triggered_at: new Date(t0).toISOString(), updated_at: new Date(t0).toISOString() });
      await h.smtp.waitFor(before + 1);
      samples.push(h.smtp.mails[before].at - t0);
      await sleep(60); // ~16 alerts/s: under the email channel's 20/s, so the limit never holds a sample back
    }
    samples.sort((a, b) => a - b);
    report(`alert -> email accepted by SMTP, p50 (${n} alerts)`, `${percentile(samples, 0.5).toFixed(1)} ms`);
    report('alert -> email accepted by SMTP, p99', `${percentile(samples, 0.99).toFixed(1)} ms`, '<= 200 ms');
    report('machine load average (1 min) while measuring', os.loadavg()[0].toFixed(1));
  } finally {
    await h.close();
  }
}

async function storm(): Promise<void> {
  const h = await NotifyHarness.open({ realTime: true });
  try {
    // CRITICAL pages by SMS too, so the SMS channel's 1/s (a Twilio long code) is exercised.
    const critical = h.service.listRules().find((r) => r.severity === 'CRITICAL')!;
    const steps = critical.steps.map((s, i) => ({ level: s.level, delay_minutes: s.delay_minutes, recipients: s.recipients, channels: i === 0 ? (['email', 'sms', 'desktop'] as const).slice() : s.channels }));
    const { name, severity, portfolio_id, enabled, repeat_count, repeat_interval_minutes } = critical;
    h.service.updateRule(critical.id, { name, severity, portfolio_id, enabled, repeat_count, repeat_interval_minutes, steps }, 'bench');
    const mix = [
      ['CRITICAL', 20],
      ['HIGH', 180],
      ['MEDIUM', 400],
      ['LOW', 400],
    ] as const;
    const t0 = Date.now();
    const now = new Date(t0).toISOString();
    let k = 0;
    for (const [severity, count] of mix) for (let i = 0; i < count; i++) h.trigger({ severity, portfolio_id: `s${k++}`, triggered_at: now, updated_at: now });
    const enqueueMs = Date.now() - t0;
    h.service.start();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const c = h.store.notifications.countByStatus();
      if (!c.queued && !c.sending) break;
      if (Date.now() > deadline) throw new Error(`storm did not drain: ${JSON.stringify(c)}`);
      await sleep(100);
    }
    const drainMs = Date.now() - t0;
    const counts = h.store.notifications.countByStatus();
    const rows = h.service.listNotifications({ limit: 1000 });
    let all = rows.items;
    for (let cursor = rows.next_cursor; cursor; ) {
      const p = h.service.listNotifications({ limit: 1000, cursor });
      all = all.concat(p.items);
      cursor = p.next_cursor;
    }
    const digests = new Map(all.filter((r) => r.transition === 'digest').map((r) => [r.id, r]));
    const lost = all.filter((r) => !(r.status === 'sent' || (r.status === 'batched' && digests.get(r.batch_id!)?.status === 'sent')));
    const sentEmails = all.filter((r) => r.channel === 'email' && r.status === 'sent').length;
    const sentSms = all.filter((r) => r.channel === 'sms' && r.status === 'sent').length;
    await sleep(200);

    report('alerts triggered at once', '1,000');
    report('enqueue (hook in each alert transaction)', `${enqueueMs} ms`);
    report('drained (nothing queued or sending)', `${(drainMs / 1000).toFixed(1)} s`);
    report('notifications written', String(all.length));
    report('  sent singly / batched into digests', `${all.filter((r) => r.status === 'sent' && r.transition !== 'digest').length} / ${counts.batched ?? 0}`);
    report('  digests sent', String([...digests.values()].filter((d) => d.status === 'sent').length));
    report('lost (failed, expired or never sent)', String(lost.length), '0');
    report('emails accepted by SMTP / sent in the log', `${h.smtp.mails.length} / ${sentEmails}`, 'equal');
    report('SMS received by the Twilio endpoint / sent', `${h.twilio.requests.length} / ${sentSms}`, 'equal');
    const limits = DEFAULT_RATE_LIMITS;
    // The limiter is judged at the moment each send started (claimed_at, when the token was spent);
    // arrival times at the servers add network and SDK jitter on top.
    const started = (channel: string, filter: (r: (typeof all)[number]) => boolean = () => true) =>
      all.filter((r) => r.channel === channel && r.status === 'sent' && filter(r)).map((r) => Date.parse(r.claimed_at!));
    let exceeded = false;
    for (const name of ['email', 'sms', 'desktop'] as const) {
      const limit = limits.channel[name];
      const w = worstExcess(started(name), limit);
      exceeded ||= w.excess > 0;
      report(`${name}: most started in any 1 s / allowed (burst ${limit.burst}, ${+limit.ratePerSec.toFixed(3)}/s)`, `${w.maxPerSecond} / ${limit.burst + limit.ratePerSec}`, w.excess <= 0 ? 'within' : 'EXCEEDED');
    }
    const oncallNoise = started('email', (r) => r.recipient === 'oncall.risk@example.com' && r.severity !== 'CRITICAL');
    const r = worstExcess(oncallNoise, limits.recipient.email);
    exceeded ||= r.excess > 0;
    report('on-call non-CRITICAL emails (digests included)', `${oncallNoise.length} (burst ${limits.recipient.email.burst})`, r.excess <= 0 ? 'within' : 'EXCEEDED');
    report('RSS', rssMb());
    if (exceeded || lost.length || h.smtp.mails.length !== sentEmails || h.twilio.requests.length !== sentSms) process.exitCode = 1;
  } finally {
    await h.close();
  }
}

void (async () => {
  await latency();
  await storm();
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
