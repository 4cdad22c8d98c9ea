// A traffic light that does not rely on colour: each state has its own shape and word.
import type { Severity } from '../../../shared/domain';
import type { Light } from '../state/limits';

export const LIGHT_GLYPH: Record<Light, string> = { red: '■', amber: '▲', green: '●', grey: '○', none: '·' };
export const LIGHT_WORD: Record<Light, string> = { red: 'BREACH', amber: 'WARN', green: 'OK', grey: 'STALE', none: 'NO LIMIT' };

export function Glyph({ light }: { light: Light }) {
  return (
    <span className={`glyph ${light}`} aria-hidden="true">
      {LIGHT_GLYPH[light]}
    </span>
  );
}

/** Glyph plus the state in words (the grid's status column, KPI tiles). */
export function LightLabel({ light }: { light: Light }) {
  return (
    <span className="light" data-light={light}>
      <Glyph light={light} />
      <span className={`word t-${light}`}>{LIGHT_WORD[light]}</span>
    </span>
  );
}

const SEV_GLYPH: Record<Severity, string> = { CRITICAL: '◆', HIGH: '■', MEDIUM: '▲', LOW: '●' };
const SEV_SHORT: Record<Severity, string> = { CRITICAL: 'CRIT', HIGH: 'HIGH', MEDIUM: 'MED', LOW: 'LOW' };

export function SeverityTag({ severity }: { severity: Severity }) {
  return (
    <span className={`sev ${severity}`} title={severity}>
      <span aria-hidden="true">{SEV_GLYPH[severity]}</span>
      {SEV_SHORT[severity]}
    </span>
  );
}
