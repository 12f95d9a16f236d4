import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built web app: hashed assets cached for a year, index.html never cached, and every other GET that is
 * not the API or sign-in answered with index.html so the app's own routes (`/findings/…`) load on refresh.
 */
export function webApp(root: string): Router {
  const router = Router();
  const index = join(root, 'index.html');
  router.use('/assets', express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(root, { index: false, maxAge: 0 }));
  router.get(/^\/(?!api\/|auth\/).*/, (_req, res, next) => {
    if (!existsSync(index)) {
      next();
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
