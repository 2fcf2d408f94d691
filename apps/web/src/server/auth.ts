import 'server-only';
import type { AuthServices } from '@tia/api';
import { buildAuthServices, isSecure } from './process-services';

/** Identity services of this server process (sessions, mailer, codes, rate limits), built once. */
const holder = globalThis as typeof globalThis & { __tiaAuth?: AuthServices };

export function getAuthServices(): AuthServices {
  holder.__tiaAuth ??= buildAuthServices();
  return holder.__tiaAuth;
}

/** HTTPS when the public origin is https, or the request (or the proxy in front) says so. */
export function isSecureRequest(req: Request): boolean {
  return isSecure(new URL(req.url).protocol, req.headers.get('x-forwarded-proto'));
}
