// Settings: display preferences now; silences, escalation, contacts, templates and channels
// join as their endpoints land in the contract.
import { useState } from 'react';

export function SettingsView() {
  const [light, setLight] = useState(() => document.documentElement.classList.contains('light'));
  return (
    <div className="view">
      <div className="toolbar">
        <h2>Settings</h2>
      </div>
      <div className="form" style={{ maxWidth: '40rem' }}>
        <label htmlFor="theme">Theme</label>
        <div className="field">
          <select
            id="theme"
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
        </div>
      </div>
    </div>
  );
}
