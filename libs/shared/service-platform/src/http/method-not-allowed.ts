import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface DocumentedPath {
  pattern: RegExp;
  allowed: string[];
}

/** `/orders/{orderId}` as a regular expression matching one path segment per parameter. */
function patternOf(path: string): RegExp {
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

function documentedPaths(document: OpenAPIObject): DocumentedPath[] {
  return Object.entries(document.paths).map(([path, item]) => {
    const methods = HTTP_METHODS.filter((method) => method in item).map((method) => method.toUpperCase());
    return { pattern: patternOf(path), allowed: methods.includes('GET') ? [...methods, 'HEAD'] : methods };
  });
}

/**
 * A method a documented path does not take is `405 Method Not Allowed` with
 * an `Allow` header (RFC 9110), not the router's 404: the resource exists.
 */
export function answerMethodNotAllowed(app: NestExpressApplication, document: OpenAPIObject): void {
  const paths = documentedPaths(document);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'OPTIONS') {
      next();
      return;
    }
    const matching = paths.filter(({ pattern }) => pattern.test(request.path));
    const allowed = [...new Set(matching.flatMap((path) => path.allowed))];
    if (matching.length === 0 || allowed.includes(request.method)) {
      next();
      return;
    }
    response.setHeader('Allow', allowed.join(', '));
    response.status(405).json({
      error: 'METHOD_NOT_ALLOWED',
      message: `${request.method} is not allowed on ${request.path}; allowed: ${allowed.join(', ')}`,
    });
  });
}
