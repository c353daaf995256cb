import { createServer, type Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The routes that only the admin port serves (fault injection, crash points). */
const isAdminPath = (path: string) => path === '/admin' || path.startsWith('/admin/');
/** What the admin port serves besides them: enough to tell that it is up. */
const isHealthPath = (path: string) => path.startsWith('/health/');

/**
 * Fault injection answers on a port of its own, which a deployment does not
 * expose: `/admin/*` only there, and nothing else but `/health/*` there. Both
 * ports still need the admin token for `/admin/*`.
 */
export function separateAdminRoutes(app: NestExpressApplication, adminPort: number): void {
  app.use((request: Request, response: Response, next: NextFunction) => {
    const onAdminPort = request.socket.localPort === adminPort;
    const admitted = onAdminPort ? isAdminPath(request.path) || isHealthPath(request.path) : !isAdminPath(request.path);
    if (admitted) {
      next();
      return;
    }
    response.status(404).json({
      error: 'NOT_FOUND',
      message: onAdminPort
        ? `${request.path} is not served on the admin port`
        : `${request.path} is served on the admin port (ADMIN_PORT) only`,
    });
  });
}

/** Listens on the admin port with the same application; resolves once listening. */
export async function listenOnAdminPort(app: NestExpressApplication, port: number, host: string): Promise<Server> {
  const server = createServer(app.getHttpAdapter().getInstance());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
