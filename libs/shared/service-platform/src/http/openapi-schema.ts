import { z } from 'zod';

/**
 * A zod schema as an OpenAPI schema object, for @ApiBody / @ApiResponse.
 * `input` describes what a client may send (a field with a default is
 * optional); `output`, the default, what a service answers. An answer's
 * `z.object` stays open to fields added later, as the client parses it;
 * only a `z.strictObject` forbids them.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io,
    override: ({ zodSchema, jsonSchema: converted }) => {
      const definition = zodSchema._zod.def;
      if (io === 'output' && definition.type === 'object' && !('catchall' in definition && definition.catchall)) {
        delete converted.additionalProperties;
      }
    },
  });
  return jsonSchema;
}
