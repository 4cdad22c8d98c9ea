// Settings: silences, escalation rules, contacts, notification templates, channels, the
// notification log, and display preferences. Each tab is kept in the address (#/settings/<tab>).
import { useState } from 'react';
import { Field } from '../components/forms';
import { useDeskContext, useUi } from '../context';
import { navigate } from '../ui';
import { Channels } from './settings/Channels';
import { Contacts } from './settings/Contacts';
import { Drill } from './settings/Drill';
import { Escalation } from './settings/Escalation';
import { NotificationLog } from './settings/NotificationLog';
import { Silences } from './settings/Silences';
import { Templates } from './settings/Templates';

export const SETTINGS_TABS = [
  { key: 'silences', label: 'Silences' },
  { key: 'escalation', label: 'Escalation' },
  { key: 'contacts', label: 'Contacts' },
  { key: 'templates', label: 'Templates' },
  { key: 'channels', label: 'Channels' },
  { key: 'notifications', label: 'Notification log' },
  { key: 'drill', label: 'Drill' },
  { key: 'display', label: 'Display' },
] as const;
type SettingsTab = (typeof SETTINGS_TABS)[number]['key'];

function Display() {
  const [light, setLight] = useState(() => document.documentElement.classList.contains('light'));
  return (
    <div className="form" style={{ maxWidth: '40rem' }}>
      <Field id="theme" label="Theme">
        {(control) => (
          <select
            {...control}
            value={light ? 'light' : 'dark'}
            onChange={(e) => {
              const l = e.target.value === 'light';
              document.documentElement.classList.toggle('light', l);
              localStorage.setItem('risk-desk.theme', l ? 'light' : 'dark');
              setLight(l);
            }}
          >
            <option value="dark">Dark</option>
            <option value="light">Light</option>
          </select>
        )}
      </Field>
    </div>
  );
}

export function SettingsView() {
  const { ui } = useDeskContext();
  const route = useUi((s) => s.route);
  const tab: SettingsTab = SETTINGS_TABS.some((t) => t.key === route.arg) ? (route.arg as SettingsTab) : 'silences';
  return (
    <div className="view">
      <div className="toolbar">
        <h2>Settings</h2>
        <div className="segmented" role="tablist" aria-label="Settings">
          {SETTINGS_TABS.map((t) => (
            <button key={t.key} type="button" role="tab" aria-selected={tab === t.key} aria-pressed={tab === t.key} onClick={() => navigate(ui, { view: 'settings', arg: t.key })}>
              {t.label}
            </button>
          ))}
        </div>
      </div>
      {tab === 'silences' && <Silences />}
      {tab === 'escalation' && <Escalation />}
      {tab === 'contacts' && <Contacts />}
      {tab === 'templates' && <Templates />}
      {tab === 'channels' && <Channels />}
      {tab === 'notifications' && <NotificationLog />}
      {tab === 'drill' && <Drill />}
      {tab === 'display' && <Display />}
    </div>
  );
}
