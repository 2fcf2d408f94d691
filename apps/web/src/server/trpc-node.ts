/**
 * `/api/trpc/*` answered by server.ts itself, before Next sees the request: tRPC's Node adapter
 * (`@trpc/server/adapters/node-http`) with the same router, context (`trpc-context.ts`), batch rules, access log
 * and the same checks and headers the proxy (`src/proxy.ts`) gives it inside Next — CSRF origin check, security
 * headers with the API CSP, a server-made request id. The client address is the one server.ts stamped from the
 * socket (`TRUSTED_PROXIES`), as for every other route.
 *
 * Why: through Next every tRPC call paid for Next's request pipeline, the proxy's run and gzip (about 5 ms of
 * CPU per call against 0.4 ms for the query itself; `docs/performance.md`, `trpc_query`). Answers here are not
 * compressed (they are small JSON; a compressing reverse proxy in front may do it).
 *
 * No `server-only` and no Next imports: server.ts loads this with tsx, outside Next's bundler.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { TLSSocket } from 'node:tls';
import {
  appRouter,
  headerCookies,
  INTERNAL_ERROR_MESSAGE,
  tRPCResponseMeta,
  type AuthServices,
} from '@tia/api';
import { MAX_BATCH_SIZE } from '@tia/api/batching';
import { CLIENT_IP_HEADER } from '@tia/api/client-ip';
import { createJsonLogger } from '@tia/api/log';
import { TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import { proxyEnv } from '../env';
import { apiResponseHeaders, CSRF_REFUSAL, csrfRejection, newRequestId } from '../security';
import { buildAuthServices, isSecure } from './process-services';
import { createRequestScope } from './request-scope';
import { createTrpcContext, trpcErrorLog, trpcRefusal } from './trpc-context';

export const TRPC_PREFIX = '/api/trpc/';

/**
 * The largest request body: the limit Next's proxy applied to this route before (`proxyClientMaxBodySize:
 * '12mb'` in next.config.ts), now enforced with a 413 instead of a silent cut.
 */
export const TRPC_MAX_BODY_BYTES = 12 * 1024 * 1024;

/**
 * The procedure part of a request target (`/api/trpc/privacy.processing?input=…` → `privacy.processing`), or null
 * when the target is not exactly what Next's `/api/trpc/[trpc]` route matches — one non-empty path segment, no
 * dot segments, nothing a URL parser would rewrite. Those go on to Next (its 404, its trailing-slash redirect).
 */
export function trpcPathOf(target: string | undefined): string | null {
  if (!target?.startsWith(TRPC_PREFIX)) return null;
  const q = target.indexOf('?');
  const pathname = q < 0 ? target : target.slice(0, q);
  const rest = pathname.slice(TRPC_PREFIX.length);
  if (rest === '' || rest.includes('/') || rest.includes('\\')) return null;
  try {
    return new URL(pathname, 'http://localhost').pathname === pathname ? rest : null;
  } catch {
    return null;
  }
}

/**
 * Log lines written once per turn of the event loop, many in one write, instead of one synchronous write to
 * stdout per line (the access-log line of every call was ~7 % of the handler's CPU). Whatever is pending when the
 * process exits is written then; a SIGKILL loses at most the current turn's lines.
 */
function batchedStdout(): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('\n') + '\n';
    pending = [];
    process.stdout.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}

/** Reads Node request headers the way fetch's `Headers.get` does (repeated values joined). */
const headerReader = (headers: IncomingHttpHeaders): Pick<Headers, 'get'> => ({
  get: (name: string) => {
    const v = headers[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  },
});

const INTERNAL_ERROR = { error: { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_ERROR_MESSAGE } };

/**
 * The request headers tRPC itself reads (`resolveResponse`: the body's type, streaming, server-sent events'
 * resume point). Everything else — cookie, client address, user agent, origin — reaches the context and the
 * checks above from Node's own headers, so tRPC's fetch `Request` carries only these (building a `Headers` of
 * every header was a measurable part of each call). `trpc-node.unit.spec.ts` fails if an installed tRPC reads
 * another one.
 */
export const TRPC_REQUEST_HEADERS = ['content-type', 'trpc-accept', 'accept', 'last-event-id'] as const;

const fetchHeaders = (incoming: IncomingHttpHeaders): Headers => {
  const out = new Headers();
  for (const key of TRPC_REQUEST_HEADERS) {
    const value = incoming[key];
    if (value !== undefined) out.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
};

const TOO_LARGE = Symbol('too large');

/**
 * The whole request body, or TOO_LARGE past `limit` bytes. A body declared too large is answered at once; what
 * the client still sends is read and dropped (so it can read the 413 and keep its connection), but only up to
 * `limit` more bytes: past that the connection is cut, so one request cannot stream junk for minutes.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        chunks.length = 0;
        if (size > 2 * limit) req.destroy();
      }
    });
    req.once('error', reject);
    if (Number(req.headers['content-length']) > limit) {
      resolve(TOO_LARGE);
      return;
    }
    req.once('end', () => resolve(size <= limit ? Buffer.concat(chunks, size) : TOO_LARGE));
    // Cut off past twice the limit: no 'end' will come; the answer would go nowhere.
    req.once('close', () => {
      if (size > 2 * limit) resolve(TOO_LARGE);
    });
  });

/** Methods tRPC answers (queries, mutations, HEAD and the CORS preflight); anything else is a 405 here. */
const TRPC_METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS']);

/**
 * Sends tRPC's answer: a finished JSON body in one write with its length (no chunking, no web-stream pipe: that
 * and an abort signal fired after every answer were most of tRPC's own Node adapter's cost here); a streamed one
 * (`trpc-accept: application/jsonl`, or server-sent events) piped as it comes. Cookies the
 * procedures set are already on `res` (`appendHeader`), so tRPC's own are appended, never replacing them.
 */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  // Node frames the body itself (content-length or chunked).
  for (const [key, value] of response.headers)
    if (key !== 'set-cookie' && key !== 'transfer-encoding') res.setHeader(key, value);
  for (const cookie of response.headers.getSetCookie()) res.appendHeader('set-cookie', cookie);
  if (!response.body) {
    res.end();
    return;
  }
  // tRPC marks a streamed answer (jsonl batch) `transfer-encoding: chunked`, server-sent events by their type.
  const streamed =
    response.headers.get('transfer-encoding') === 'chunked' ||
    (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  if (streamed) {
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.setHeader('content-length', body.length);
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
};

/**
 * server.ts's handler for `/api/trpc/*` (`path`: what `trpcPathOf` returned). Identity services are built on the
 * first call (like Next's `getAuthServices`), so a misconfigured app still starts and reports it per request.
 */
export function createTrpcNodeHandler(): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const write = batchedStdout();
  const log = createJsonLogger({ service: 'web' }, { write });
  const proxyLog = createJsonLogger({ service: 'web', component: 'proxy' }, { write });
  let auth: AuthServices | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse, path: string, requestId: string) => {
    const headers = headerReader(req.headers);
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    const protocol = (req.socket as Partial<TLSSocket>).encrypted ? 'https:' : 'http:';
    const facts = { method, protocol, headers, pathname };
    // The proxy's headers, on every answer (refusals and errors included).
    for (const [k, v] of Object.entries(apiResponseHeaders(facts, requestId))) res.setHeader(k, v);

    const env = proxyEnv();
    const rejection = csrfRejection(facts, env.PUBLIC_ORIGIN);
    if (rejection) {
      proxyLog.warn('request refused by CSRF check', {
        requestId,
        method,
        path: pathname,
        reason: rejection,
        origin: headers.get('origin'),
        secFetchSite: headers.get('sec-fetch-site'),
      });
      req.resume(); // drain an unread body; the answer does not wait for it
      sendJson(res, 403, CSRF_REFUSAL);
      return;
    }

    const scope = createRequestScope(log, {
      requestId,
      // Stamped by server.ts from the socket (or the rightmost untrusted forwarded hop), never the client's claim.
      ip: headers.get(CLIENT_IP_HEADER),
      userAgent: headers.get('user-agent'),
      method,
      path: pathname,
      route: '/api/trpc',
    });
    if (!TRPC_METHODS.has(method)) {
      // e.g. TRACE, which fetch's Request refuses to build: a client's mistake, never a 500.
      req.resume();
      res.setHeader('allow', 'GET, POST, HEAD, OPTIONS');
      sendJson(res, 405, { error: { code: 'METHOD_NOT_SUPPORTED', message: 'Method not allowed.' } });
      scope.done(405, { refused: 'method' });
      return;
    }
    // The URL exactly as tRPC will read it (WHATWG parsing: cut at '#', tabs and newlines dropped), so the batch
    // refusal and tRPC can never disagree about whether this request bundles calls.
    let url: URL;
    try {
      url = new URL(`http://localhost${target}`);
    } catch {
      req.resume();
      sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'This address is not a valid URL.' } });
      scope.done(400, { refused: 'url' });
      return;
    }
    const batch = url.searchParams.get('batch') === '1';
    const refusal = trpcRefusal(path, batch);
    if (refusal) {
      // Before any procedure runs: a batch multiplies per-call limits, so these calls go one per request.
      scope.done(400, { refused: refusal.reason, calls: refusal.calls });
      req.resume();
      sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: refusal.message } });
      return;
    }

    const { errors, onError } = trpcErrorLog(scope);
    res.once('close', () =>
      scope.done(res.statusCode, {
        procedures: path.split(','),
        ...(errors.length ? { errors } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      }),
    );
    // Aborts the procedures' signal only if the client leaves before its answer was sent.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    void (async () => {
      const body = method === 'GET' || method === 'HEAD' ? null : await readBody(req, TRPC_MAX_BODY_BYTES);
      const response = await resolveResponse({
        router: appRouter,
        // tRPC reads only the query string from the URL; a fixed origin, so a client's odd Host cannot break it.
        req: new Request(url, {
          method,
          headers: fetchHeaders(req.headers),
          signal: abort.signal,
          ...(body && body !== TOO_LARGE
            ? { body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) }
            : {}),
        }),
        path,
        // tRPC's own 413 answer (its error shape, onError called) for a body over the limit
        error: body === TOO_LARGE ? new TRPCError({ code: 'PAYLOAD_TOO_LARGE' }) : null,
        maxBatchSize: MAX_BATCH_SIZE,
        // Inside tRPC's error handling: a configuration error here is a 500 with the generic message, as in Next.
        createContext: () =>
          createTrpcContext(
            (auth ??= buildAuthServices()),
            scope,
            headers.get('cookie'),
            headerCookies(
              { append: (name, value) => void res.appendHeader(name, value) },
              isSecure(protocol, headers.get('x-forwarded-proto')),
            ),
          ),
        responseMeta: tRPCResponseMeta,
        onError,
      });
      await writeResponse(response, res);
    })().catch((error: unknown) => {
      if (abort.signal.aborted) return; // the client left (e.g. mid-upload): nobody to answer
      scope.log.error('tRPC request failed in the adapter', { error });
      if (!res.headersSent) sendJson(res, 500, INTERNAL_ERROR);
      else res.destroy();
    });
  };

  return (req, res, path) => {
    const requestId = newRequestId();
    try {
      handle(req, res, path, requestId);
    } catch (error) {
      // e.g. an invalid PUBLIC_ORIGIN: never a crashed server, never the error's text to the client
      log.error('tRPC request failed before tRPC', { requestId, error });
      req.resume();
      if (!res.headersSent) sendJson(res, 500, INTERNAL_ERROR);
      else res.destroy();
    }
  };
}
