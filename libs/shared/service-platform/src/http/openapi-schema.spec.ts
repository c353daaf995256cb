import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { openApiSchema } from './openapi-schema.js';

describe('openApiSchema', () => {
  const request = z.strictObject({ items: z.array(z.string()), mode: z.enum(['a', 'b']).default('a') });

  it('describes what a client may send: a field with a default is optional, unknown fields are refused', () => {
    const schema = openApiSchema(request, 'input');
    assert.deepEqual(schema['required'], ['items']);
    assert.equal(schema['additionalProperties'], false);
  });

  it("leaves an answer's z.object open to fields added later, and a z.strictObject closed", () => {
    const answer = openApiSchema(z.object({ id: z.string(), nested: z.object({ n: z.number() }) }));
    assert.equal('additionalProperties' in answer, false);
    const nested = (answer['properties'] as Record<string, Record<string, unknown>>)['nested'];
    assert.equal(nested && 'additionalProperties' in nested, false);
    assert.equal(openApiSchema(z.strictObject({ id: z.string() }))['additionalProperties'], false);
  });

  it('keeps patterns and bounds, which Schemathesis draws values from', () => {
    const header = openApiSchema(
      z
        .string()
        .min(1)
        .max(128)
        .regex(/^[A-Za-z0-9_.:-]+$/),
      'input',
    );
    assert.deepEqual(header, { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' });
  });
});
