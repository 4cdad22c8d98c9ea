// Configuration changes as clients hear of them (the config_changed event), read off the audit
// trail: every change to thresholds, silences, escalation rules, contacts, templates and channel
// settings writes an audit row in its own transaction, so announcing from there means no writer
// can forget to. The event names what changed and who changed it, never the values.
import type { ConfigKind } from '../../shared/events';
import type { EngineEvents } from './events';
import { SECRET_SMTP_PASSWORD, SECRET_TWILIO_TOKEN, SETTINGS_KEY } from './notify/config';
import type { CommittedAuditRecord } from './store/repositories/audit';

const KIND_OF_ENTITY: Record<string, ConfigKind> = {
  threshold: 'thresholds',
  silence: 'silences',
  escalation_rule: 'escalation_rules',
  contact: 'contacts',
  template: 'templates',
  setting: 'channels',
};

/** The audit entities whose rows are configuration changes. */
export const CONFIG_ENTITIES: readonly string[] = Object.keys(KIND_OF_ENTITY);

/** The audit row the notifier writes when a channel secret is set or cleared (it says which, never the value). */
const SECRETS_ENTITY_ID = 'notify.secrets';
const CHANNEL_OF_SECRET: Record<string, string> = { [SECRET_SMTP_PASSWORD]: 'email', [SECRET_TWILIO_TOKEN]: 'sms' };

export type ConfigChange = EngineEvents['config_changed'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The channel settings sections (email, sms, desktop, webhook, fallback_after_seconds) an audit row changed. */
function channelSections(r: CommittedAuditRecord): string[] {
  if (r.entityId === SETTINGS_KEY) {
    const before = isRecord(r.before) ? r.before : {};
    const after = isRecord(r.after) ? r.after : {};
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  }
  if (r.entityId === SECRETS_ENTITY_ID && isRecord(r.after) && Array.isArray(r.after.changed)) {
    return r.after.changed.map((c) => CHANNEL_OF_SECRET[String(c).split(' ')[0]]).filter((c): c is string => c !== undefined);
  }
  return [];
}

/**
 * One change per kind and actor of rows committed together (a transaction that touches several
 * rows of a kind is one change naming them all). Rows that change nothing a client shows (a
 * channel settings save that kept every value, a setting that is not a channel's) are left out.
 */
export function configChanges(records: readonly CommittedAuditRecord[]): ConfigChange[] {
  const out = new Map<string, ConfigChange>();
  for (const r of records) {
    const kind = KIND_OF_ENTITY[r.entity];
    if (!kind) continue;
    const ids = kind === 'channels' ? channelSections(r) : [r.entityId];
    if (ids.length === 0) continue;
    const key = `${kind}\u0000${r.actor}`;
    const change = out.get(key) ?? { kind, ids: [], actor: r.actor, at: r.at };
    for (const id of ids) if (!change.ids.includes(id)) change.ids.push(id);
    change.at = r.at;
    out.set(key, change);
  }
  return [...out.values()];
}
