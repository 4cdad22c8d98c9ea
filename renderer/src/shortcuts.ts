// Keyboard shortcuts. A view registers the keys it handles while it is mounted; keys typed into
// a field never trigger them (except Escape), and none fire while a dialog is open unless the
// handler says it is global.
import { useEffect, useRef } from 'react';

export type KeyHandler = (e: KeyboardEvent) => void;

/** The list the help overlay shows (docs/dashboard.md has the same). */
export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ['j', '↓'], what: 'next row' },
  { keys: ['k', '↑'], what: 'previous row' },
  { keys: ['J', 'K'], what: 'next / previous alert in the desk’s alert panel' },
  { keys: ['Enter'], what: 'open the selected portfolio' },
  { keys: ['a'], what: 'acknowledge the selected alert (with a comment)' },
  { keys: ['r'], what: 'resolve the selected alert' },
  { keys: ['/'], what: 'focus the filter' },
  { keys: ['Esc'], what: 'close the dialog, clear the filter, leave a field' },
  { keys: ['1'], what: 'desk' },
  { keys: ['2'], what: 'portfolio' },
  { keys: ['3'], what: 'alerts' },
  { keys: ['4'], what: 'limits' },
  { keys: ['5'], what: 'settings' },
  { keys: ['?'], what: 'show this help' },
];

export function isTypingTarget(t: EventTarget | null): boolean {
  if (!t || !(t instanceof HTMLElement)) return false;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable;
}

/** The key name a handler map uses: 'j', 'J', 'ArrowDown', 'Enter', '/', '?'. */
export function keyOf(e: KeyboardEvent): string {
  return e.key;
}

/**
 * Binds keys while the component is mounted. `blocked()` says when to ignore them (a dialog or
 * the help is open). Handlers are read through a ref so re-renders do not rebind listeners.
 */
export function useShortcuts(handlers: Record<string, KeyHandler>, blocked: () => boolean = () => false): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  const blockedRef = useRef(blocked);
  blockedRef.current = blocked;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target)) return;
      if (blockedRef.current()) return;
      const h = ref.current[keyOf(e)];
      if (!h) return;
      e.preventDefault();
      h(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
