// The alert engine's transitions, and the hook through which other parts of the engine
// (notifications, escalation) act on them inside the same database transaction.
import type { Alert } from '../../../shared/domain';

export type AlertTransition =
  /** A new alert opened (also a breach after RESOLVED, linked through previous_alert_id). */
  | 'triggered'
  /** A more severe threshold on the same portfolio and metric now breaches: severity raised. */
  | 'upgraded'
  /** A continuing breach: current value, worst value, count changed. Never notifies. */
  | 'updated'
  | 'acknowledged'
  | 'resolved'
  /** Still breached after the acknowledgement timeout: back to TRIGGERED and re-escalated. */
  | 'reopened'
  /** Opened too often within the flap window: held open, notified once. */
  | 'flapping';

export interface AlertTransitionEvent {
  transition: AlertTransition;
  /** The alert after the transition. */
  alert: Alert;
  /** The alert before it (null for 'triggered'). */
  previous: Alert | null;
  /** ISO time of the transition (from the engine's Clock). */
  at: string;
  /** 'system' for automatic transitions, otherwise the user who acted. */
  actor: string;
  /** False when a silence or an inhibition suppresses notifications for this transition. */
  notify: boolean;
  /** Why: a resolution reason, an ack comment, 'silenced by #3', 'inhibited by CRITICAL #12', ... */
  reason?: string;
}

/**
 * Called synchronously INSIDE the store transaction that records the transition, so what the
 * hook writes (outbox rows, escalation timers) lands atomically with the state change.
 * A hook writes only through the Store's repositories and performs no I/O.
 */
export type AlertTransitionHook = (event: AlertTransitionEvent) => void;
