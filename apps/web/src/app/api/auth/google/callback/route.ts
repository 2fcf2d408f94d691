import { handleGoogleCallback } from '@tia/api';
import { googleDeps } from '../../../../../server/google';
import { requestScope } from '../../../../../server/request';

export const dynamic = 'force-dynamic';

/** GET /api/auth/google/callback → session cookie and 302 to /account; failures → /signin?error=…. */
export async function GET(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/auth/google/callback');
  const deps = googleDeps(req);
  const res = deps
    ? await handleGoogleCallback(req, deps, { ...scope, secure: deps.secure })
    : new Response(null, { status: 302, headers: { location: '/signin?error=google_not_configured' } });
  scope.done(res.status, { location: res.headers.get('location')?.split('?')[0] ?? null });
  res.headers.set('x-request-id', scope.requestId);
  return res;
}
