import { handleGoogleStart } from '@tia/api';
import { googleDeps } from '../../../../../server/google';
import { requestScope } from '../../../../../server/request';

export const dynamic = 'force-dynamic';

/** GET /api/auth/google/start → 302 to Google (state, PKCE verifier and nonce in short-lived cookies). */
export async function GET(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/auth/google/start');
  const deps = googleDeps(req);
  const res = deps
    ? await handleGoogleStart(deps, scope.log)
    : new Response(null, { status: 302, headers: { location: '/signin?error=google_not_configured' } });
  scope.done(res.status);
  res.headers.set('x-request-id', scope.requestId);
  return res;
}
