import { HttpException } from '@nestjs/common';

export interface ApiErrorDetail {
  path: string;
  message: string;
}

/** The JSON body of every error answer: a stable code, a sentence, and the fields at fault. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: ApiErrorDetail[];
}

/** An error answer with the project's error body: `{ error, message, details? }` (README, "Placing orders"). */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: ApiErrorDetail[]) {
    super({ error: code, message, ...(details ? { details } : {}) } satisfies ApiErrorBody, status);
  }

  static badRequest(message: string, details: ApiErrorDetail[]): ApiError {
    return new ApiError(400, 'BAD_REQUEST', message, details);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, 'NOT_FOUND', message);
  }

  static conflict(message: string, details?: ApiErrorDetail[]): ApiError {
    return new ApiError(409, 'CONFLICT', message, details);
  }
}
