// What every editor shares: a labelled field with its error, errors keyed by the dotted field
// path (from the contract's zod schema before sending, from the server's issues after), and a
// small loader for lists.
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import { DeskClientError } from '../../../shared/client';
import { useDesk } from '../context';

export type FieldErrors = Record<string, string>;

/** The first problem per field, keyed by dotted path ('steps.1.delay_minutes'). */
export function zodErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) {
    const key = i.path.length ? i.path.join('.') : '(form)';
    out[key] ??= i.message;
  }
  return out;
}

/** A failed call as field errors plus one line for the form. */
export function callErrors(err: unknown): { fields: FieldErrors; message: string } {
  if (err instanceof DeskClientError) {
    const fields: FieldErrors = {};
    for (const i of err.issues ?? []) fields[i.field] ??= i.reason;
    return { fields, message: err.message };
  }
  return { fields: {}, message: err instanceof Error ? err.message : String(err) };
}

/** What a field's control spreads onto itself: the id its label points at, and the ARIA tying it to its hint and error. */
export interface FieldControl {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * A labelled field with its hint and its error (the client's check or the server's issue), the
 * error announced as an alert. `children` renders the control from the props that wire it up:
 * `{(control) => <input {...control} value={...} />}`.
 */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: ReactNode; children: (control: FieldControl) => ReactNode }) {
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ');
  const control: FieldControl = { id, ...(error ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) };
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="field">
        {children(control)}
        {hint && (
          <span className="hint" id={`${id}-hint`}>
            {hint}
          </span>
        )}
        {error && (
          <span className="field-error" id={`${id}-error`} role="alert">
            {error}
          </span>
        )}
      </div>
    </>
  );
}

/** An <option> per portfolio, by name, its value the portfolio id (for every portfolio picker). */
export function PortfolioOptions() {
  const portfolios = useDesk((s) => s.portfolios);
  const byName = useMemo(() => Object.values(portfolios).sort((a, b) => a.name.localeCompare(b.name)), [portfolios]);
  return byName.map((p) => (
    <option key={p.id} value={p.id}>
      {p.name}
    </option>
  ));
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/** Calls `load` now and on reload(); keeps the last data while reloading. */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    load()
      .then((d) => {
        if (cancelled) return;
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
    };
    // `load` is rebuilt every render; `deps` says when it means something new.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/**
 * Deleting an item of a list after the user confirms: the call's failure as one line for the
 * list's toolbar (cleared by the next success), then `after` (re-read the list).
 */
export function useConfirmedDelete<T>(question: (item: T) => string, call: (item: T) => Promise<unknown>, after: () => unknown): { error: string | null; remove: (item: T) => Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const remove = async (item: T) => {
    if (!window.confirm(question(item))) return;
    try {
      await call(item);
      await after();
      setError(null);
    } catch (err) {
      setError(callErrors(err).message);
    }
  };
  return { error, remove };
}
