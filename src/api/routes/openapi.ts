// The OpenAPI 3.1 document, generated from the same route list and zod schemas the server uses.

import { z } from 'zod';
import { PERMISSIONS } from '../permissions.ts';
import type { ApiRoute } from '../route.ts';

export function openApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: unknown[] = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (r.query) {
      const js = z.toJSONSchema(r.query, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        params.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
      }
    }
    const access =
      r.access.kind === 'permission'
        ? `Needs \`${r.access.permission}\` (${PERMISSIONS[r.access.permission]}).`
        : r.access.kind === 'public'
          ? 'No authentication.'
          : 'Any authenticated caller.';
    const op: Record<string, unknown> = {
      summary: r.summary,
      description: access,
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
      parameters: params,
      responses: {
        [String(r.status ?? 200)]: { description: 'success', content: { 'application/json': {} } },
        '4XX': {
          description: 'client error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      security: r.access.kind === 'public' ? [] : [{ bearer: [] }, { session: [] }],
    };
    if (r.body) {
      op['requestBody'] = {
        required: true,
        content: {
          'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) },
        },
      };
    }
    if (r.rawBody || r.streamBody) {
      // NDJSON batches and file uploads: bytes, plain or gzip, read as they are.
      op['requestBody'] = {
        required: true,
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Sakura Guard API', version },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (sgt_...)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sg_session',
          description: 'writes also need X-CSRF-Token',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' }, hint: { type: 'string' }, requestId: { type: 'string' } },
        },
      },
    },
  };
}
