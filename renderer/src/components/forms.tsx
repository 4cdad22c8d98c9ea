// What every editor shares: a labelled field with its error, errors keyed by the dotted field
// path (from the contract's zod schema before sending, from the server's issues after), and a
// small loader for lists.
import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { DeskClientError } from '../../../shared/client';

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

export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: React.ReactNode; children: React.ReactNode }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="field">
        {children}
        {hint && <span className="hint">{hint}</span>}
        {error && (
          <span className="field-error" id={`${id}-error`} role="alert">
            {error}
          </span>
        )}
      </div>
    </>
  );
}

/** aria attributes for an input whose field has an error. */
export function invalid(id: string, error: string | undefined) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
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
