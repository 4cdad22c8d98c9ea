import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './defaults';
import { alertVariables, sampleAlert, SMS_MAX, TemplateEngine, TemplateError, truncateSms } from './templates';

const engine = new TemplateEngine();
const { alert, ctx } = sampleAlert();

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('templates', () => {
  it('renders the default new_alert template with the alert fields, formatted by metric kind', () => {
    const r = engine.render('new_alert', DEFAULT_TEMPLATES.new_alert, alertVariables(alert, ctx));
    expect(r.subject).toBe('[CRITICAL] Global Macro: VaR 99% -6.12% breaches -5.00%');
    expect(r.body).toContain('Utilisation: 122.4%');
    expect(r.body).toContain('Since:       2026-01-02T14:02:00.000Z');
    expect(r.sms).toBe('CRITICAL #42 global_macro VaR 99% -6.12% vs limit -5.00% (122.4%). Ack in Risk Desk.');
    expect(r.sms_truncated).toBe(false);
  });

  it('every default template renders an SMS within 160 characters for the sample alert', () => {
    for (const kind of ['new_alert', 'escalation', 'resolution'] as const) {
      const r = engine.render(kind, DEFAULT_TEMPLATES[kind], alertVariables(alert, ctx));
      expect(r.sms.length).toBeLessThanOrEqual(SMS_MAX);
      expect(r.sms_truncated).toBe(false);
    }
  });

  it('rejects a broken template with the part, line and column', () => {
    const e = templateError(() => engine.check('new_alert', { ...DEFAULT_TEMPLATES.new_alert, body: 'line one\nValue: {{ current_value | shout }}' }));
    expect([e.part, e.line, e.column]).toEqual(['body', 2, 8]);
    expect(e.message).toBe('new_alert template, body, line 2, column 8: undefined filter: shout');
    const unclosed = templateError(() => engine.check('escalation', { ...DEFAULT_TEMPLATES.escalation, subject: 'x\n\n{% if severity %}open' }));
    expect([unclosed.part, unclosed.line]).toEqual(['subject', 3]);
  });

  it('refuses include, render and layout: templates cannot read files', () => {
    for (const tag of ['include', 'render', 'layout']) {
      const e = templateError(() => engine.check('new_alert', { ...DEFAULT_TEMPLATES.new_alert, body: `{% ${tag} '/etc/passwd' %}` }));
      expect(e.message).toMatch(/not allowed: templates cannot read files/);
    }
  });

  it('stops a template that would exhaust memory', () => {
    const e = templateError(() => engine.render('new_alert', { ...DEFAULT_TEMPLATES.new_alert, body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' }, {}));
    expect(e.message).toMatch(/limit/);
  });

  it('sees own properties only (no prototype walking)', () => {
    const r = engine.render('new_alert', { subject: '{{ portfolio.constructor }}x', body: '{{ portfolio.length }}', sms: 's' }, { portfolio: 'abc' });
    expect(r.subject).toBe('x');
  });

  it('utilisation is the share of the limit used, in percent, by the dashboard\'s rule', () => {
    const util = (fields: Parameters<typeof sampleAlert>[0]) => {
      const { alert } = sampleAlert(fields);
      const v = alertVariables(alert);
      return [v.utilisation, v.utilisation_raw];
    };
    expect(util({ current_value: -0.06, threshold_value: -0.05, comparison_type: 'less_than' })).toEqual(['120%', 120]);
    expect(util({ metric_type: 'leverage_ratio', current_value: 2.4, threshold_value: 3, comparison_type: 'greater_than' })).toEqual(['80%', 80]);
    expect(util({ current_value: null, threshold_value: 3, comparison_type: 'greater_than' })).toEqual(['n/a', null]);
    expect(util({ current_value: 1, threshold_value: 0, comparison_type: 'greater_than' })).toEqual(['n/a', null]);
    // A limit across zero (Sharpe below 0.5) measures headroom, as the dashboard's light does: 0.25 is 150%.
    expect(util({ metric_type: 'sharpe_ratio', current_value: 0.25, threshold_value: 0.5, comparison_type: 'less_than' })).toEqual(['150%', 150]);
    expect(util({ metric_type: 'leverage_ratio', current_value: 2.5, threshold_value: 3, comparison_type: 'greater_than' })).toEqual(['83.3%', 83.3]);
  });
});

describe('truncateSms', () => {
  it('keeps at most 160 characters, never splits a character, and marks the cut', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => {
        const r = truncateSms(s);
        const chars = Array.from(r.text);
        expect(chars.length).toBeLessThanOrEqual(SMS_MAX);
        expect(r.text).not.toMatch(/[\uD800-\uDBFF]$/); // no lone high surrogate at the end
        expect(r.truncated).toBe(r.length > SMS_MAX);
        if (r.truncated) expect(r.text.endsWith('...')).toBe(true);
        else expect(r.text).toBe(s.replace(/\s+/g, ' ').trim());
      }),
    );
  });
});
