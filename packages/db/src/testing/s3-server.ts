/**
 * A small S3-compatible server for tests, on 127.0.0.1 (no external service can be reached here). It speaks
 * the part of the S3 protocol the anchor store uses — path-style PUT/GET/DELETE object, ListObjectsV2 with
 * continuation — and checks what a real bucket with object lock would:
 *   - every request carries a valid AWS Signature Version 4 (recomputed here from the request as received,
 *     independently of the client's signing library), every x-amz-* header is signed, and the payload hash
 *     matches the body;
 *   - a PUT with object-lock headers needs Content-MD5; If-None-Match: * on an existing key gives 412;
 *   - an object under a lock whose retain-until date has not passed cannot be overwritten or deleted (403).
 * `objects` is exposed so a test can play the storage itself (e.g. an object put there without a lock).
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Object {
  body: Buffer;
  contentType: string;
  lockMode: string | null;
  retainUntil: Date | null;
}

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

const xml = (status: number, code: string) =>
  [status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`] as const;

export const startS3Server = async (opts: {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  /** Keys per ListObjectsV2 page (small, to exercise continuation). */
  pageSize?: number;
}) => {
  const objects = new Map<string, S3Object>();
  const requests: { method: string; path: string; status: number }[] = [];

  /** Null when the signature is valid, else the S3 error code. */
  const checkSignature = (req: IncomingMessage, rawPath: string, rawQuery: string, body: Buffer) => {
    const auth = req.headers.authorization ?? '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m) return 'AccessDenied';
    const [, keyId, day, region, signedHeaders, signature] = m;
    if (keyId !== opts.accessKeyId) return 'InvalidAccessKeyId';
    if (region !== opts.region) return 'AuthorizationHeaderMalformed';
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return 'AccessDenied';
    const at = Date.parse(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    if (Math.abs(Date.now() - at) > 15 * 60_000) return 'RequestTimeTooSkewed';
    const signed = signedHeaders!.split(';');
    for (const h of ['host', 'x-amz-date', 'x-amz-content-sha256'])
      if (!signed.includes(h)) return 'AccessDenied';
    for (const h of Object.keys(req.headers))
      if (h.startsWith('x-amz-') && !signed.includes(h)) return 'AccessDenied';
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== sha256(body)) return 'XAmzContentSHA256Mismatch';
    const query = rawQuery
      ? rawQuery
          .split('&')
          .map((p) => {
            const [k, v = ''] = p.split('=');
            return [rfc3986(decodeURIComponent(k!)), rfc3986(decodeURIComponent(v))] as const;
          })
          .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
          .map(([k, v]) => `${k}=${v}`)
          .join('&')
      : '';
    const headerValue = (h: string) => {
      const v = req.headers[h];
      return (Array.isArray(v) ? v.join(',') : String(v ?? '')).trim().replace(/\s+/g, ' ');
    };
    const canonical = [
      req.method,
      rawPath,
      query,
      signed.map((h) => `${h}:${headerValue(h)}\n`).join(''),
      signedHeaders,
      payloadHash,
    ].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    const kDate = hmac(`AWS4${opts.secretAccessKey}`, day);
    const kSigning = hmac(hmac(hmac(kDate, region), 's3'), 'aws4_request');
    const expected = createHmac('sha256', kSigning).update(toSign).digest('hex');
    return expected === signature ? null : 'SignatureDoesNotMatch';
  };

  const locked = (o: S3Object | undefined) =>
    !!o && o.lockMode !== null && o.retainUntil !== null && o.retainUntil.getTime() > Date.now();

  const handle = (req: IncomingMessage, body: Buffer): readonly [number, string, Record<string, string>?] => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const bad = checkSignature(req, rawPath, rawQuery, body);
    if (bad) return xml(403, bad);
    const [, bucket, ...rest] = rawPath.split('/');
    if (bucket !== opts.bucket) return xml(404, 'NoSuchBucket');
    const key = decodeURIComponent(rest.join('/'));
    const existing = objects.get(key);
    if (req.method === 'GET' && key === '') {
      const params = new URLSearchParams(rawQuery);
      if (params.get('list-type') !== '2') return xml(400, 'InvalidArgument');
      const prefix = params.get('prefix') ?? '';
      const all = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = Number(params.get('continuation-token') ?? 0);
      const size = opts.pageSize ?? 1000;
      const page = all.slice(start, start + size);
      const more = start + size < all.length;
      return [
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix>` +
          page.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('') +
          `<IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${start + size}</NextContinuationToken>` : ''}</ListBucketResult>`,
        { 'content-type': 'application/xml' },
      ];
    }
    if (req.method === 'GET') {
      if (!existing) return xml(404, 'NoSuchKey');
      return [
        200,
        existing.body.toString('utf8'),
        {
          'content-type': existing.contentType,
          ...(existing.lockMode
            ? {
                'x-amz-object-lock-mode': existing.lockMode,
                'x-amz-object-lock-retain-until-date': existing.retainUntil!.toISOString(),
              }
            : {}),
        },
      ];
    }
    if (req.method === 'PUT') {
      if (req.headers['if-none-match'] === '*' && existing) return xml(412, 'PreconditionFailed');
      if (locked(existing)) return xml(403, 'AccessDenied');
      const mode = req.headers['x-amz-object-lock-mode'];
      const until = req.headers['x-amz-object-lock-retain-until-date'];
      if ((mode === undefined) !== (until === undefined)) return xml(400, 'InvalidArgument');
      if (mode !== undefined) {
        if (mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') return xml(400, 'InvalidArgument');
        const md5 = createHash('md5').update(body).digest('base64');
        if (req.headers['content-md5'] !== md5) return xml(400, 'InvalidDigest');
        if (!(Date.parse(String(until)) > Date.now())) return xml(400, 'InvalidArgument');
      }
      objects.set(key, {
        body,
        contentType: String(req.headers['content-type'] ?? 'application/octet-stream'),
        lockMode: mode === undefined ? null : String(mode),
        retainUntil: until === undefined ? null : new Date(String(until)),
      });
      return [200, ''];
    }
    if (req.method === 'DELETE') {
      if (locked(existing)) return xml(403, 'AccessDenied');
      objects.delete(key);
      return [204, ''];
    }
    return xml(405, 'MethodNotAllowed');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [status, text, headers] = handle(req, Buffer.concat(chunks));
      requests.push({ method: req.method ?? '', path: req.url ?? '', status });
      res.writeHead(status, headers ?? { 'content-type': 'application/xml' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
