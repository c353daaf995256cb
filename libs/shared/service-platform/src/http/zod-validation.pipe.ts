import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiError, type ApiErrorDetail } from './api-error.js';

/** Where a validated value came from, for the error message and field paths. */
export type InputSource = 'body' | 'query' | 'path' | 'header';

/** Validates a request part with a zod schema; a failure is a 400 naming every bad field. */
@Injectable()
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(
    private readonly schema: Schema,
    private readonly source: InputSource = 'body',
    /** Names the value itself, e.g. a header or path parameter name. */
    private readonly name?: string,
  ) {}

  transform(value: unknown): z.output<Schema> {
    const result = this.schema.safeParse(value);
    if (result.success) {
      return result.data;
    }
    const details = result.error.issues.flatMap((issue) => this.detailsOf(issue));
    const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
    throw ApiError.badRequest(`Invalid request ${this.source}: ${summary}`, details);
  }

  private detailsOf(issue: z.core.$ZodIssue): ApiErrorDetail[] {
    const base = [...(this.name ? [this.name] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...base, key]), message: 'unknown field' }));
    }
    return [{ path: formatPath(base) || this.source, message: issue.message }];
  }
}

/** items.0.quantity -> items[0].quantity */
function formatPath(segments: string[]): string {
  return segments.reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
    '',
  );
}
