import express, { type Express } from 'express';
import helmet from 'helmet';
import { authenticate, rateLimiters } from './auth/authenticate.ts';
import { browserAuthRouter } from './auth/browser.ts';
import type { DashboardDeps } from './deps.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { mountRoutes } from './http/mount.ts';
import { openApiDocument } from './openapi.ts';
import { apiRoutes } from './routes/index.ts';
import { webApp } from './static.ts';

/**
 * The Content-Security-Policy: everything from this origin only, no inline script or style, no framing, no
 * plugins. `upgrade-insecure-requests` only when the public URL is https (on plain loopback it would break the app).
 */
function csp(publicUrl: string): Record<string, string[] | null> {
  const https = publicUrl.startsWith('https:');
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'upgrade-insecure-requests': https ? [] : null,
  };
}

/**
 * The dashboard server: the JSON API under /api/v1 (its OpenAPI document at /api/v1/openapi.json), the browser
 * sign-in routes under /auth, and the web app. Everything it reads and writes comes in `deps`.
 */
export function createApp(deps: DashboardDeps, version = '0.0.0'): Express {
  const app = express();
  app.set('trust proxy', deps.dashboard.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: csp(deps.publicUrl) },
      strictTransportSecurity: deps.publicUrl.startsWith('https:') ? { maxAge: 31_536_000 } : false,
    }),
  );
  const limits = rateLimiters(deps);
  const routes = apiRoutes();
  const document = openApiDocument(routes, version);

  const api = express.Router();
  api.use(express.json({ limit: '64kb' }));
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  api.use(limits.failedCredentials, authenticate(deps), limits.tokenUse);
  api.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  api.use(mountRoutes(routes, deps));
  api.use((req, res) => sendError(res, 404, 'NOT_FOUND', `no API route ${req.method} /api/v1${req.path}`));
  app.use('/api/v1', api);

  app.use('/auth', limits.signIn, browserAuthRouter(deps));
  if (deps.webRoot !== undefined) app.use(webApp(deps.webRoot));
  app.use((req, res) => sendError(res, 404, 'NOT_FOUND', `nothing at ${req.path}`));
  app.use(errorHandler(deps.log));
  return app;
}
