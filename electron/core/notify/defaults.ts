// The templates a new database starts with. Editable from the dashboard; variables are listed
// in docs/notifications.md.
import type { TemplateInput, TemplateKind } from '../../../shared/notify';

export const DEFAULT_TEMPLATES: Record<TemplateKind, TemplateInput> = {
  new_alert: {
    subject: '[{{ severity }}] {{ portfolio_name }}: {{ metric_label }} {{ current_value }} breaches {{ threshold }}',
    body: `{{ severity }} risk alert #{{ alert_id }}{% if transition != 'triggered' %} ({{ transition }}){% endif %}

Portfolio:   {{ portfolio_name }} ({{ portfolio }})
Metric:      {{ metric_label }}
Current:     {{ current_value }}
Limit:       {{ threshold }} ({{ comparison }})
Utilisation: {{ utilisation }}
Since:       {{ time }}
{% if description != '' %}
{{ description }}
{% endif %}
Acknowledge it in Risk Desk to stop escalation.
`,
    sms: '{{ severity }} #{{ alert_id }} {{ portfolio }} {{ metric_label }} {{ current_value }} vs limit {{ threshold }} ({{ utilisation }}). Ack in Risk Desk.',
  },
  escalation: {
    subject: '[{{ severity }}] ESCALATED to {{ escalation_level }}: {{ portfolio_name }} {{ metric_label }} {{ current_value }}',
    body: `Nobody has acknowledged {{ severity }} risk alert #{{ alert_id }} yet, so it is escalated to {{ escalation_level }}.

Portfolio:   {{ portfolio_name }} ({{ portfolio }})
Metric:      {{ metric_label }}
Current:     {{ current_value }} (worst {{ worst_value }})
Limit:       {{ threshold }} ({{ comparison }})
Utilisation: {{ utilisation }}
Since:       {{ time }}
{% if description != '' %}
{{ description }}
{% endif %}
Acknowledge it in Risk Desk to stop further escalation.
`,
    sms: 'ESCALATED {{ severity }} #{{ alert_id }} {{ portfolio }} {{ metric_label }} {{ current_value }} vs {{ threshold }}, unacknowledged since {{ time | slice: 11, 5 }} UTC.',
  },
  resolution: {
    subject: '[RESOLVED] {{ portfolio_name }}: {{ metric_label }} back within limit',
    body: `Risk alert #{{ alert_id }} ({{ severity }}) on {{ portfolio_name }} is resolved.

Metric:   {{ metric_label }}
Now:      {{ current_value }} (limit {{ threshold }}, worst {{ worst_value }})
Resolved: {{ resolved_at }}{% if resolved_by %} by {{ resolved_by }}{% endif %}
{% if resolution %}Reason:   {{ resolution }}
{% endif %}`,
    sms: 'RESOLVED #{{ alert_id }} {{ portfolio }} {{ metric_label }} now {{ current_value }} (limit {{ threshold }}).',
  },
  digest: {
    subject: 'Risk Desk digest: {{ count }} alert notifications',
    body: `{{ count }} notifications were held back by the rate limit and are summarised here:

{% for a in alerts %}- [{{ a.severity }}] {{ a.portfolio }} {{ a.metric }} {{ a.current_value }} vs {{ a.threshold }} ({{ a.transition }}, {{ a.time }})
{% endfor %}
Open Risk Desk for details.
`,
    sms: 'Risk Desk: {{ count }} more alerts ({% for s in severities %}{{ s.count }} {{ s.severity }}{% unless forloop.last %}, {% endunless %}{% endfor %}). See email/Risk Desk.',
  },
};
