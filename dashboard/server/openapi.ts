import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { apiErrorSchema } from './http/errors.ts';
import { none, type AnyRoute } from './http/route.ts';

const reasons: Record<number, string> = {
  400: 'bad input: `details` lists each problem with its path',
  401: 'no or bad credentials',
  403: 'the role is not allowed, or a signed-in change came without its CSRF token',
  404: 'no such item',
  409: 'the change conflicts with the current state',
  429: 'rate limited',
};

/** The OpenAPI 3.1 document of the API, generated from the route schemas (never written by hand). */
export function openApiDocument(routes: readonly AnyRoute[], version: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token from `sspr token create`' });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sspr_session',
    description: 'A browser session (OIDC or the one-time admin link); state-changing calls also send x-csrf-token',
  });
  for (const r of routes) {
    const errors = r.role === 'public' ? [400, ...(r.errors ?? [])] : [400, 401, 403, 429, ...(r.errors ?? [])];
    registry.registerPath({
      method: r.method,
      path: `/api/v1${r.path}`,
      summary: r.summary,
      ...(r.role === 'public' ? { security: [] } : { security: [{ bearer: [] }, { session: [] }], description: `Needs the ${r.role} role or higher.` }),
      request: {
        ...(r.params !== none ? { params: r.params } : {}),
        ...(r.query !== none ? { query: r.query } : {}),
        ...(r.body !== none ? { body: { content: { 'application/json': { schema: r.body } }, required: true } } : {}),
      },
      responses: {
        [r.status ?? 200]: { description: 'OK', content: { 'application/json': { schema: r.response } } },
        ...Object.fromEntries(errors.map((s) => [s, { description: reasons[s] ?? 'error', content: { 'application/json': { schema: apiErrorSchema } } }])),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'sspr-watch API', version, description: 'Findings, triage, KPIs and health of sspr-watch. Errors are {"error":{"code","message"},"details"?}.' },
    servers: [{ url: '/' }],
  });
}
