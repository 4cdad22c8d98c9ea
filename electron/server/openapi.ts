// /api/openapi.json: the OpenAPI 3.1 document, generated from the same endpoint table
// (shared/api.ts) that drives the routes and validation, so it cannot drift from them.
import { z } from 'zod';
import { api, ErrorBody, type Endpoint } from '../../shared/api';
import { ROLES } from '../../shared/domain';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

/** `/api/x/:id` -> `/api/x/{id}` and the parameter names. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  return { path: path.replace(/:(\w+)/g, (_, p: string) => (params.push(p), `{${p}}`)), params };
}

const errorRef = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } });

function operation(name: string, ep: Endpoint) {
  const { params } = openApiPath(ep.path);
  const input = jsonSchema(ep.input, 'input');
  const props = input.properties ?? {};
  const required = new Set(input.required ?? []);
  const parameters: unknown[] = params.map((p) => ({ name: p, in: 'path', required: true, schema: props[p] ?? { type: 'string' } }));
  const rest = Object.keys(props).filter((k) => !params.includes(k));
  let requestBody: unknown;
  if (ep.method === 'GET' || ep.method === 'DELETE') {
    for (const k of rest) parameters.push({ name: k, in: 'query', required: required.has(k), schema: props[k] });
  } else if (rest.length) {
    const body: JsonSchema = { ...input, properties: Object.fromEntries(rest.map((k) => [k, props[k]])) };
    const bodyRequired = rest.filter((k) => required.has(k));
    if (bodyRequired.length) body.required = bodyRequired;
    else delete body.required;
    requestBody = { required: bodyRequired.length > 0, content: { 'application/json': { schema: body } } };
  }
  const responses: Record<string, unknown> = {
    '200': { description: 'OK', content: { 'application/json': { schema: jsonSchema(ep.output, 'output') } } },
  };
  if (Object.keys(props).length) responses['400'] = errorRef('Invalid input: `error.issues` names each field and the reason');
  if (ep.role !== null) {
    responses['401'] = errorRef('Missing, expired or invalid token');
    responses['403'] = errorRef(`The token's role is below ${ep.role}, or the browser origin is not allowed`);
    responses['429'] = errorRef('Too many failed authentications from this address (see Retry-After)');
  }
  if (params.length) responses['404'] = errorRef('No such resource');
  responses['500'] = errorRef('Internal error (logged on the server)');
  return {
    operationId: name,
    summary: ep.summary,
    tags: [name.split('.')[0]],
    description: ep.role === null ? 'No token needed.' : `Needs the \`${ep.role}\` role or above (${ROLES.join(' < ')}).`,
    'x-required-role': ep.role,
    security: ep.role === null ? [] : [{ bearerAuth: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, ep] of Object.entries(api) as [string, Endpoint][]) {
    const { path } = openApiPath(ep.path);
    (paths[path] ??= {})[ep.method.toLowerCase()] = operation(name, ep);
  }
  paths['/metrics'] = {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      tags: ['ops'],
      description: 'Needs the `viewer` role or above.',
      'x-required-role': 'viewer',
      security: [{ bearerAuth: [] }],
      responses: {
        '200': { description: 'OK', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } },
        '401': errorRef('Missing, expired or invalid token'),
        '429': errorRef('Too many failed authentications from this address'),
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Risk Desk API',
      version,
      description:
        'REST API of `risk-desk serve`. Tokens are HS256 JWTs with claims `sub`, `role` and `exp`; roles rank ' +
        `${ROLES.join(' < ')}. Every error has the ErrorBody shape. Push events arrive over the WebSocket at ` +
        '`/ws/risk` (token in `?token=` or the Authorization header), described in docs/api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(Object.keys(api).map((n) => n.split('.')[0])), 'ops'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `HS256 JWT; claim \`role\` is one of ${ROLES.join(', ')}. Mint one with \`risk-desk token --role viewer --sub NAME --expires 8h\`.`,
        },
      },
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
    },
  };
}

export const ENDPOINT_TABLE_START = '<!-- endpoints:start (generated from shared/api.ts by `npx tsx scripts/api-docs.ts`) -->';
export const ENDPOINT_TABLE_END = '<!-- endpoints:end -->';

/** The endpoint table of docs/api.md, from the same table as the routes. */
export function endpointTable(): string {
  const rows = (Object.entries(api) as [string, Endpoint][]).map(([name, ep]) => {
    const input = z.toJSONSchema(ep.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const fields = Object.keys(input.properties ?? {}).filter((k) => !ep.path.includes(`:${k}`));
    return `| \`${ep.method}\` | \`${ep.path}\` | ${ep.role ?? 'none'} | ${ep.summary} | ${fields.map((f) => `\`${f}\``).join(', ')} | \`${name}\` |`;
  });
  return [ENDPOINT_TABLE_START, '| method | path | least role | what | input fields | name |', '| --- | --- | --- | --- | --- | --- |', ...rows, ENDPOINT_TABLE_END].join('\n');
}
