// How a contract call becomes an HTTP request: the endpoint table gives method and path;
// path parameters (`:id`) are taken out of the input, the rest goes in the query string for
// GET/DELETE and in a JSON body for POST/PUT (the server merges them back into one object).
import { api, ErrorBody, type EndpointName } from '../../../shared/api';
import { DeskClientError } from '../../../shared/client';

export interface HttpRequest {
  method: string;
  /** Path and query string, e.g. /api/risk/alerts?status=TRIGGERED */
  url: string;
  body?: string;
}

export function buildRequest(name: EndpointName, input: unknown): HttpRequest {
  const ep = api[name];
  if (!ep) throw new DeskClientError('bad_request', `unknown endpoint "${String(name)}"`, 0);
  const rest: Record<string, unknown> = { ...((input ?? {}) as Record<string, unknown>) };
  const path = ep.path.replace(/:([A-Za-z_]+)/g, (_m, key: string) => {
    const v = rest[key];
    if (v === undefined || v === null || v === '') throw new DeskClientError('bad_request', `${name}: missing path parameter "${key}"`, 0, [{ field: key, reason: 'required' }]);
    delete rest[key];
    return encodeURIComponent(String(v));
  });
  if (ep.method === 'GET' || ep.method === 'DELETE') {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || v === null) continue;
      q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const qs = q.toString();
    return { method: ep.method, url: qs ? `${path}?${qs}` : path };
  }
  return { method: ep.method, url: path, body: JSON.stringify(rest) };
}

/** The contract's error for a failed response: the server's ErrorBody when it sent one. */
export function errorFromResponse(status: number, statusText: string, body: unknown): DeskClientError {
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) return new DeskClientError(parsed.data.error.code, parsed.data.error.message, status, parsed.data.error.issues);
  const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'http_error';
  return new DeskClientError(code, `HTTP ${status}${statusText ? ` ${statusText}` : ''}`, status);
}
