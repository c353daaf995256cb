import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ApiErrorBody } from './api-error.js';

const codeOfStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors raised by the HTTP body parser (invalid JSON, body too large). */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

/**
 * Every error answer in the project's shape `{ error, message, details? }`.
 * Anything unexpected is logged with its stack and answered as a plain 500,
 * without internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const { status, body } = this.toAnswer(exception);
    if (status >= 500) {
      // The request's own fields too: not every route has a request logger that would add them.
      const { method, originalUrl } = http.getRequest<Request>();
      this.logger.error(
        { method, path: originalUrl, err: exception instanceof Error ? exception : new Error(String(exception)) },
        'unexpected error, answered 500',
      );
    }
    response.status(status).json(body);
  }

  private toAnswer(exception: unknown): { status: number; body: ApiErrorBody } {
    if (exception instanceof HttpException) {
      const answer = exception.getResponse();
      if (isApiErrorBody(answer) || isHealthReport(answer)) {
        return { status: exception.getStatus(), body: answer as ApiErrorBody };
      }
      return this.frameworkAnswer(exception.getStatus(), exception.message);
    }
    if (isBodyParserError(exception)) {
      return this.frameworkAnswer(exception.status, exception.message);
    }
    return {
      status: 500,
      body: { error: 'INTERNAL_ERROR', message: 'An unexpected error occurred; it has been logged' },
    };
  }

  /** Errors raised before our code ran: routing and body parsing. */
  private frameworkAnswer(status: number, message: string): { status: number; body: ApiErrorBody } {
    if (status === 400) {
      return {
        status,
        body: {
          error: 'BAD_REQUEST',
          message: `Request body is not valid JSON: ${message}`,
          details: [{ path: 'body', message: 'not valid JSON' }],
        },
      };
    }
    if (status === 413) {
      return {
        status,
        body: {
          error: 'PAYLOAD_TOO_LARGE',
          message: 'Request body is larger than 64 kB',
          details: [{ path: 'body', message: 'larger than 64 kB' }],
        },
      };
    }
    return { status, body: { error: codeOfStatus[status] ?? 'ERROR', message } };
  }
}

function isApiErrorBody(answer: unknown): answer is ApiErrorBody {
  return (
    typeof answer === 'object' &&
    answer !== null &&
    'error' in answer &&
    'message' in answer &&
    typeof answer.error === 'string' &&
    /^[A-Z_]+$/.test(answer.error)
  );
}

/** Terminus answers an unhealthy /health/ready with its own report, which probes and people read as is. */
function isHealthReport(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && 'status' in answer && 'details' in answer;
}
