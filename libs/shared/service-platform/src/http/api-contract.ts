import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { apiErrorBodySchema } from '@dtx/contracts';
import type { z } from 'zod';
import { openApiSchema } from './openapi-schema.js';

/** The error answers a route may document, each with the error body `{ error, message, details? }`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503 | 504;

const errorMeaning: Record<ErrorStatus, string> = {
  400: 'BAD_REQUEST: a parameter, header or the body is not valid; details name each field at fault',
  401: 'UNAUTHORIZED: no bearer token, or one that is expired or badly signed',
  403: 'FORBIDDEN: the token is valid but not admitted to this route',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE: the body is larger than 64 kB',
  422: 'UNPROCESSABLE_ENTITY',
  503: 'SERVICE_UNAVAILABLE: try again later',
  504: 'GATEWAY_TIMEOUT',
};

/** A request header a route reads. */
export interface HeaderContract {
  name: string;
  schema: z.ZodType;
  required: boolean;
  description: string;
}

/** A success answer: its meaning and the zod schema of its body (`text` for a plain-text body). */
export interface AnswerContract {
  description: string;
  schema: z.ZodType | 'text';
}

/**
 * The bearer-token security schemes of the documents: `bearer` for people
 * (customers, admins), and the service identities a few routes admit instead.
 */
export const SECURITY_SCHEMES = {
  bearer: "A customer's or an admin's token (scope admin): npm run -s token -- --sub <customerId> | --admin",
  coordinator: "The 2PC coordinator's service token (client id AUTH_COORDINATOR_CLIENT_ID)",
  'order-service': "The order service's service token (client id AUTH_ORDER_CLIENT_ID)",
} as const;
export type SecurityScheme = keyof typeof SECURITY_SCHEMES;

/** What a route takes and every answer it may give, for the service's OpenAPI document. */
export interface RouteContract {
  /** `token`: a bearer token is required (documents the security scheme, 401 and 403). */
  access: 'anyone' | 'token';
  /** Whose tokens a `token` route admits, any of them; `bearer` (people) by default. */
  identities?: SecurityScheme[];
  params?: Record<string, z.ZodType>;
  /** The query's object schema; each property becomes a query parameter. */
  query?: z.ZodObject;
  headers?: HeaderContract[];
  body?: z.ZodType;
  answers: Record<number, AnswerContract>;
  /** Errors besides those the contract implies (400 for any input, 401/403 with a token, 413 with a body), with when they happen. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/**
 * Documents a route from its zod schemas: parameters, headers, body, and
 * every answer with its schema, error answers included. Schemas come from
 * @dtx/contracts, so the document and the validation cannot drift apart.
 */
export function ApiContract(contract: RouteContract): MethodDecorator {
  const decorators: MethodDecorator[] = [];
  const takesInput = Boolean(contract.params || contract.query || contract.headers || contract.body);
  const errors: Partial<Record<ErrorStatus, string>> = {
    ...(takesInput ? { 400: errorMeaning[400] } : {}),
    ...(contract.access === 'token' ? { 401: errorMeaning[401], 403: errorMeaning[403] } : {}),
    ...(contract.body ? { 413: errorMeaning[413] } : {}),
    ...contract.errors,
  };
  if (contract.access === 'token') {
    decorators.push(...(contract.identities ?? ['bearer']).map((scheme) => ApiBearerAuth(scheme)));
  }
  for (const [name, schema] of Object.entries(contract.params ?? {})) {
    decorators.push(ApiParam({ name, required: true, schema: openApiSchema(schema, 'input') }));
  }
  for (const [name, schema] of Object.entries(contract.query?.shape ?? {})) {
    const property = schema as z.ZodType;
    decorators.push(
      ApiQuery({
        name,
        required: !isOptional(property),
        schema: openApiSchema(property, 'input'),
        ...(property.description ? { description: property.description } : {}),
      }),
    );
  }
  for (const header of contract.headers ?? []) {
    decorators.push(
      ApiHeader({
        name: header.name,
        required: header.required,
        description: header.description,
        schema: openApiSchema(header.schema, 'input'),
      }),
    );
  }
  if (contract.body) {
    decorators.push(ApiBody({ required: true, schema: openApiSchema(contract.body, 'input') }));
  }
  for (const [status, answer] of Object.entries(contract.answers)) {
    decorators.push(
      answer.schema === 'text'
        ? ApiResponse({
            status: Number(status),
            description: answer.description,
            content: { 'text/plain': { schema: { type: 'string' } } },
          })
        : ApiResponse({
            status: Number(status),
            description: answer.description,
            schema: openApiSchema(answer.schema),
          }),
    );
  }
  for (const [status, description] of Object.entries(errors)) {
    decorators.push(ApiResponse({ status: Number(status), description, schema: openApiSchema(apiErrorBodySchema) }));
  }
  return applyDecorators(...decorators);
}
