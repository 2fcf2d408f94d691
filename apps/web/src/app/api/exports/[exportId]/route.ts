import { AppError, downloadExport, httpErrorBody, httpStatusOf, resolveSession } from '@tia/api';
import { getAuthServices, isSecureRequest } from '../../../../server/auth';
import { requestScope } from '../../../../server/request';

export const dynamic = 'force-dynamic';

/**
 * GET /api/exports/<exportId>: the person's data export as a ZIP, once (docs/data-export.md). Session cookie
 * auth; only the owner; after the download, or 24 hours, the file is deleted and this answers 404 saying so.
 */
export async function GET(req: Request, ctx: { params: Promise<{ exportId: string }> }): Promise<Response> {
  const scope = requestScope(req, '/api/exports');
  const headers = { 'cache-control': 'no-store', 'x-request-id': scope.requestId };
  try {
    const auth = getAuthServices();
    const session = await resolveSession(auth, req.headers.get('cookie'), isSecureRequest(req));
    const { exportId } = await ctx.params;
    const { zip, filename } = await downloadExport(auth, session, exportId);
    scope.done(200, { bytes: zip.length });
    return new Response(new Uint8Array(zip), {
      status: 200,
      headers: {
        ...headers,
        'content-type': 'application/zip',
        'content-length': String(zip.length),
        'content-disposition': `attachment; filename="${filename}"`,
      },
    });
  } catch (e) {
    const status = httpStatusOf(e);
    if (!(e instanceof AppError)) scope.log.error('export download failed unexpectedly', { error: e });
    scope.done(status, e instanceof AppError ? { error: e.code } : {});
    return Response.json(httpErrorBody(e), { status, headers });
  }
}
