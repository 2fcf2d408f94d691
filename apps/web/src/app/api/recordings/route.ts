import {
  AppError,
  handleRecordingUpload,
  httpErrorBody,
  httpStatusOf,
  resolveSession,
  retryAfterOf,
} from '@tia/api';
import { getAuthServices, isSecureRequest } from '../../../server/auth';
import { requestScope } from '../../../server/request';

export const dynamic = 'force-dynamic';

/**
 * POST /api/recordings?sessionId=…&questionId=…&durationSeconds=…&recordingId=<uuid> with the raw audio as the
 * body (docs/practice.md). Session cookie auth; the proxy has already refused cross-site requests (CSRF).
 * 201 `{ recordingId, status, sha256, bytes }` (200 for a retry of the same upload); errors are
 * `{ error: { code, message, fields? } }` with 400/401/402/403/404/409/413/415/429/503, never a stack trace.
 */
export async function POST(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/recordings');
  const headers = { 'cache-control': 'no-store', 'x-request-id': scope.requestId };
  let status: number;
  let payload: unknown;
  const extra: Record<string, unknown> = {};
  try {
    const auth = getAuthServices();
    const session = await resolveSession(auth, req.headers.get('cookie'), isSecureRequest(req));
    const res = await handleRecordingUpload(auth, {
      session,
      requestId: scope.requestId,
      ip: scope.ip,
      query: new URL(req.url).searchParams,
      contentType: req.headers.get('content-type'),
      contentLength: req.headers.get('content-length'),
      body: req.body,
    });
    status = res.status;
    payload = res.body;
    extra.bytes = res.body.bytes;
    extra.retry = res.status === 200;
  } catch (e) {
    status = httpStatusOf(e);
    payload = httpErrorBody(e);
    if (e instanceof AppError) extra.error = e.code;
    else scope.log.error('recording upload failed unexpectedly', { error: e });
    const retry = retryAfterOf(e);
    if (retry !== null) Object.assign(headers, { 'retry-after': String(Math.max(0, Math.ceil(retry))) });
  }
  scope.done(status, extra);
  return Response.json(payload, { status, headers });
}
