import { httpErrorBody, httpStatusOf, PayloadTooLarge, ValidationFailed } from '@tia/api/errors';
import { z } from 'zod';
import { requestScope } from '../../../server/request';

export const dynamic = 'force-dynamic';

const MAX_REPORT_BYTES = 16 * 1024;

const text = z.string().max(2048).optional();
const num = z.number().int().nonnegative().optional();

/** Legacy `report-uri` body (application/csp-report). */
const legacyReport = z.object({
  'csp-report': z.looseObject({
    'document-uri': text,
    referrer: text,
    'violated-directive': text,
    'effective-directive': text,
    'original-policy': z.string().max(4096).optional(),
    disposition: text,
    'blocked-uri': text,
    'line-number': num,
    'column-number': num,
    'source-file': text,
    'status-code': num,
    'script-sample': text,
  }),
});

/** Reporting API body (application/reports+json): an array of reports. */
const reportingApi = z
  .array(
    z.looseObject({
      type: z.string().max(64),
      url: text,
      body: z.looseObject({
        documentURL: text,
        effectiveDirective: text,
        blockedURL: text,
        disposition: text,
        sourceFile: text,
        lineNumber: num,
        columnNumber: num,
        sample: text,
      }),
    }),
  )
  .max(32);

/** Only the fields worth logging, with URLs cut to origin + path (no query strings: they may hold personal data). */
function stripUrl(u: string | undefined): string | undefined {
  if (!u) return u;
  try {
    const url = new URL(u);
    return url.origin + url.pathname;
  } catch {
    return u.slice(0, 64); // 'inline', 'eval', 'data', …
  }
}

async function readLimited(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLarge(limit);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export async function POST(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/csp-report');
  try {
    const raw = await readLimited(req, MAX_REPORT_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ValidationFailed([{ path: '', message: 'The body must be JSON.' }]);
    }
    const legacy = legacyReport.safeParse(json);
    const violations = legacy.success
      ? [
          {
            documentUrl: stripUrl(legacy.data['csp-report']['document-uri']),
            directive:
              legacy.data['csp-report']['effective-directive'] ??
              legacy.data['csp-report']['violated-directive'],
            blocked: stripUrl(legacy.data['csp-report']['blocked-uri']),
            sourceFile: stripUrl(legacy.data['csp-report']['source-file']),
            line: legacy.data['csp-report']['line-number'],
            disposition: legacy.data['csp-report'].disposition,
          },
        ]
      : reportingApi
          .parse(json)
          .filter((r) => r.type === 'csp-violation')
          .map((r) => ({
            documentUrl: stripUrl(r.body.documentURL ?? r.url),
            directive: r.body.effectiveDirective,
            blocked: stripUrl(r.body.blockedURL),
            sourceFile: stripUrl(r.body.sourceFile),
            line: r.body.lineNumber,
            disposition: r.body.disposition,
          }));
    for (const v of violations) scope.log.warn('csp violation', v);
    scope.done(204, { violations: violations.length });
    return new Response(null, { status: 204, headers: { 'x-request-id': scope.requestId } });
  } catch (err) {
    const status = httpStatusOf(err);
    if (status === 500) scope.log.error('csp report handling failed', { error: err });
    scope.done(status);
    return Response.json(httpErrorBody(err), {
      status,
      headers: { 'cache-control': 'no-store', 'x-request-id': scope.requestId },
    });
  }
}
