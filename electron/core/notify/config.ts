// Channel configuration: flags win over environment variables, which win over settings saved
// from the dashboard, which win over defaults. Secrets come from flags, the environment or the
// SecretStore, never from the settings table, and leave this module only inside channel configs.
import type { ChannelSettingsUpdate, ChannelSettingsView } from '../../../shared/notify';
import type { SecretStore } from '../ports';
import type { EmailConfig } from './channels/email';
import type { SnsConfig, TwilioConfig } from './channels/sms';

/** Command-line overrides (the host maps its flags here). */
export interface NotifyFlags {
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: EmailConfig['security'];
  smtpUsername?: string;
  smtpPassword?: string;
  smtpFrom?: string;
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  twilioFrom?: string;
  snsRegion?: string;
}

/** Where providers are reached when not their public endpoints (tests, proxies, VPC endpoints). */
export interface ProviderEndpoints {
  twilioBaseUrl?: string;
  snsEndpoint?: string;
  snsCredentials?: SnsConfig['credentials'];
}

/** What the settings table keeps under SETTINGS_KEY: ChannelSettingsUpdate minus the secrets. */
export type SavedChannelSettings = {
  email?: Omit<NonNullable<ChannelSettingsUpdate['email']>, 'password'>;
  sms?: Omit<NonNullable<ChannelSettingsUpdate['sms']>, 'twilio_auth_token'>;
  desktop?: ChannelSettingsUpdate['desktop'];
  webhook?: ChannelSettingsUpdate['webhook'];
  fallback_after_seconds?: number;
};

export const SETTINGS_KEY = 'notify.channels';
export const SECRET_SMTP_PASSWORD = 'smtp_password';
export const SECRET_TWILIO_TOKEN = 'twilio_auth_token';

export const DEFAULT_SMS_VALIDITY_MINUTES = 30;
export const DEFAULT_FALLBACK_SECONDS = 120;

export interface ResolvedChannels {
  view: ChannelSettingsView;
  email: EmailConfig | null;
  twilio: TwilioConfig | null;
  sns: SnsConfig | null;
  desktopEnabled: boolean;
  webhookEnabled: boolean;
  fallbackAfterMs: number;
  smsValidityMs: number;
}

type Source = ChannelSettingsView['sources'][string];

export function resolveChannels(
  flags: NotifyFlags,
  env: NodeJS.ProcessEnv,
  saved: SavedChannelSettings,
  secrets: SecretStore,
  endpoints: ProviderEndpoints = {},
): ResolvedChannels {
  const sources: Record<string, Source> = {};
  function pick<T>(name: string, flag: T | undefined, envValue: T | undefined, savedValue: T | undefined | null, fallback: T): T {
    const candidates: [Source, T | undefined | null][] = [
      ['flag', flag],
      ['env', envValue],
      ['saved', savedValue],
    ];
    for (const [src, v] of candidates) {
      if (v !== undefined && v !== null && (v as unknown) !== '') {
        sources[name] = src;
        return v;
      }
    }
    sources[name] = 'default';
    return fallback;
  }
  const envInt = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const envSecurity = (v: string | undefined) => (v === 'tls' || v === 'starttls' || v === 'none' ? v : undefined);

  const host = pick<string | null>('email.host', flags.smtpHost, env.SMTP_HOST, saved.email?.host, null);
  const port = pick('email.port', flags.smtpPort, envInt(env.SMTP_PORT), saved.email?.port, 587);
  const security = pick<EmailConfig['security']>('email.security', flags.smtpSecurity, envSecurity(env.SMTP_SECURITY), saved.email?.security, port === 465 ? 'tls' : 'starttls');
  const username = pick<string | null>('email.username', flags.smtpUsername, env.SMTP_USERNAME, saved.email?.username, null);
  const password = pick<string | null>('email.password', flags.smtpPassword, env.SMTP_PASSWORD, secrets.get(SECRET_SMTP_PASSWORD), null);
  const from = pick<string | null>('email.from', flags.smtpFrom, env.SMTP_FROM, saved.email?.from, null);
  const email: EmailConfig | null = host && from ? { host, port, security, username, password, from } : null;

  const sid = pick<string | null>('sms.twilio_account_sid', flags.twilioAccountSid, env.TWILIO_ACCOUNT_SID, saved.sms?.twilio_account_sid, null);
  const token = pick<string | null>('sms.twilio_auth_token', flags.twilioAuthToken, env.TWILIO_AUTH_TOKEN, secrets.get(SECRET_TWILIO_TOKEN), null);
  const twilioFrom = pick<string | null>('sms.twilio_from', flags.twilioFrom, env.TWILIO_FROM, saved.sms?.twilio_from, null);
  const region = pick<string | null>('sms.sns_region', flags.snsRegion, env.AWS_SNS_REGION, saved.sms?.sns_region, null);
  // A provider configured by flag or environment wins; otherwise the dashboard's choice, else whichever is complete.
  const twilioOutside = sources['sms.twilio_account_sid'] === 'flag' || sources['sms.twilio_account_sid'] === 'env';
  const snsOutside = sources['sms.sns_region'] === 'flag' || sources['sms.sns_region'] === 'env';
  const provider: 'twilio' | 'sns' | null = twilioOutside ? 'twilio' : snsOutside ? 'sns' : (saved.sms?.provider ?? (sid ? 'twilio' : region ? 'sns' : null));
  sources['sms.provider'] = twilioOutside || snsOutside ? sources[twilioOutside ? 'sms.twilio_account_sid' : 'sms.sns_region'] : saved.sms?.provider ? 'saved' : 'default';
  const twilio: TwilioConfig | null =
    provider === 'twilio' && sid && token && twilioFrom ? { accountSid: sid, authToken: token, from: twilioFrom, baseUrl: endpoints.twilioBaseUrl } : null;
  const sns: SnsConfig | null = provider === 'sns' && region ? { region, endpoint: endpoints.snsEndpoint, credentials: endpoints.snsCredentials } : null;
  const validity = pick('sms.validity_minutes', undefined, envInt(env.SMS_VALIDITY_MINUTES), saved.sms?.validity_minutes, DEFAULT_SMS_VALIDITY_MINUTES);

  const desktopEnabled = pick('desktop.enabled', undefined, undefined, saved.desktop?.enabled, true);
  const webhookEnabled = pick('webhook.enabled', undefined, undefined, saved.webhook?.enabled, true);
  const fallbackSeconds = pick('fallback_after_seconds', undefined, undefined, saved.fallback_after_seconds, DEFAULT_FALLBACK_SECONDS);

  const view: ChannelSettingsView = {
    email: { host, port, security, username, password_set: password !== null, from, configured: email !== null },
    sms: {
      provider,
      twilio_account_sid: sid,
      twilio_auth_token_set: token !== null,
      twilio_from: twilioFrom,
      sns_region: region,
      validity_minutes: validity,
      configured: twilio !== null || sns !== null,
    },
    desktop: { enabled: desktopEnabled },
    webhook: { enabled: webhookEnabled },
    fallback_after_seconds: fallbackSeconds,
    sources,
  };
  return { view, email, twilio, sns, desktopEnabled, webhookEnabled, fallbackAfterMs: fallbackSeconds * 1000, smsValidityMs: validity * 60_000 };
}

/** Why a channel cannot send, in words an operator can act on. */
export function notConfiguredReason(channel: 'email' | 'sms'): string {
  return channel === 'email'
    ? 'email is not configured: set SMTP_HOST and SMTP_FROM (or save them in the dashboard)'
    : 'SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM, or AWS_SNS_REGION';
}
