// Cursor pagination for list endpoints. A cursor is opaque to clients (base64url of a small JSON
// keyset position, e.g. the last id seen), so pages stay stable while rows are added at the head.
import { z } from 'zod';
import { badInput } from './dispatch';

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor a client sent back; a cursor we did not issue is a 400 naming `cursor`. */
export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('cursor', 'not a cursor this server issued (pass next_cursor back unchanged)');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badInput('cursor', 'not a cursor this server issued (pass next_cursor back unchanged)');
  return parsed.data;
}

/**
 * One page from a keyset query. `fetch(n)` returns up to n rows from the cursor's position on;
 * asking for limit + 1 tells whether another page follows without a count query.
 */
export function keysetPage<T>(limit: number, fetch: (n: number) => T[], positionOf: (last: T) => Record<string, string | number>): { items: T[]; next_cursor: string | null } {
  const rows = fetch(limit + 1);
  const items = rows.slice(0, limit);
  const next_cursor = rows.length > limit ? encodeCursor(positionOf(items[items.length - 1])) : null;
  return { items, next_cursor };
}

/** The keyset position of id-ordered (newest first) lists. */
export const BeforeIdCursor = z.object({ before_id: z.number().int().positive() }).strict();
