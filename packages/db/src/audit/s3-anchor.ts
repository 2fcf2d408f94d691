/**
 * The production anchor store: an S3-compatible bucket with object lock (WORM). Each checkpoint and the
 * public key are PUT once, signed with AWS Signature Version 4 (`aws4`), with
 *   If-None-Match: *                                  (never replaces an existing object)
 *   x-amz-object-lock-mode: COMPLIANCE                (no one, root account included, can shorten or remove it)
 *   x-amz-object-lock-retain-until-date: now + N days
 *   Content-MD5                                       (S3 requires it on a PUT with object-lock headers)
 * and read back for `db:verify`. A checkpoint object that comes back without a COMPLIANCE lock is refused:
 * it is not the one this store wrote (a newer, unlocked version put over it), so the anchor cannot be trusted.
 * The bucket must be created with object lock enabled (which also turns versioning on).
 */
import { createHash, type KeyObject } from 'node:crypto';
import aws4 from 'aws4';
import { z } from 'zod';
import {
  byTreeSizeThenTime,
  CHECKPOINT_NAME,
  checkpointFileName,
  keyId,
  parseCheckpoint,
  parsePublicKey,
  PUBLIC_KEY_FILE,
  type AnchorStore,
  type AuditCheckpoint,
  type CheckpointFile,
} from './checkpoint.js';

export const S3AnchorConfig = z.object({
  /** Endpoint, path-style: `https://s3.eu-central-1.amazonaws.com`, or a MinIO / Ceph URL. */
  endpoint: z.url({ protocol: /^https?$/ }),
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'an S3 bucket name (3–63 lower-case letters, digits, . and -)',
    ),
  region: z.string().regex(/^[a-z0-9-]{2,40}$/),
  accessKeyId: z.string().min(1).max(256),
  secretAccessKey: z.string().min(1).max(256),
  /** Object keys start with this (e.g. `tia/audit/`); letters, digits, `/`, `-`, `_`, `.` only. */
  prefix: z
    .string()
    .regex(/^([A-Za-z0-9_.-]+\/)*$/)
    .default(''),
  /** How long each checkpoint stays locked (COMPLIANCE mode cannot be shortened). */
  retentionDays: z.number().int().min(1).max(36_500).default(3650),
});
export type S3AnchorConfig = z.input<typeof S3AnchorConfig>;

export class S3AnchorError extends Error {
  override name = 'S3AnchorError';
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const xmlText = (s: string) =>
  s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );

export class S3AnchorStore implements AnchorStore {
  private readonly cfg: z.output<typeof S3AnchorConfig>;
  private readonly url: URL;

  constructor(
    config: S3AnchorConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.cfg = S3AnchorConfig.parse(config);
    this.url = new URL(this.cfg.endpoint);
  }

  get location(): string {
    return `s3://${this.cfg.bucket}/${this.cfg.prefix}`;
  }

  /** One signed request; `key` null addresses the bucket. Keys here are of safe characters only. */
  private async request(
    method: 'GET' | 'PUT',
    key: string | null,
    opts: { query?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const base = this.url.pathname.replace(/\/+$/, '');
    const qs = Object.entries(opts.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    const path = `${base}/${this.cfg.bucket}${key === null ? '' : `/${key}`}${qs ? `?${qs}` : ''}`;
    const signed = aws4.sign(
      {
        host: this.url.host,
        path,
        method,
        service: 's3',
        region: this.cfg.region,
        headers: { ...opts.headers },
        ...(opts.body ? { body: opts.body } : {}),
      },
      { accessKeyId: this.cfg.accessKeyId, secretAccessKey: this.cfg.secretAccessKey },
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers ?? {}))
      if (k.toLowerCase() !== 'host') headers[k] = String(v);
    try {
      return await fetch(`${this.url.protocol}//${this.url.host}${path}`, {
        method,
        headers,
        ...(opts.body ? { body: new Uint8Array(opts.body) } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new S3AnchorError(`anchor bucket ${this.location} unreachable: ${(e as Error).message}`);
    }
  }

  private async fail(what: string, res: Response): Promise<never> {
    const body = (await res.text()).slice(0, 300);
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '';
    throw new S3AnchorError(`${what}: HTTP ${res.status}${code ? ` ${code}` : ''}`);
  }

  /** PUT once under a COMPLIANCE lock; false when the object exists already (412). */
  private async putLocked(key: string, body: Buffer, contentType: string): Promise<boolean> {
    const until = new Date(this.clock().getTime() + this.cfg.retentionDays * 86_400_000);
    const res = await this.request('PUT', key, {
      body,
      headers: {
        'Content-Type': contentType,
        'Content-MD5': md5(body),
        'If-None-Match': '*',
        'x-amz-object-lock-mode': 'COMPLIANCE',
        'x-amz-object-lock-retain-until-date': until.toISOString(),
      },
    });
    if (res.status === 412) {
      await res.arrayBuffer();
      return false;
    }
    if (!res.ok) await this.fail(`PUT ${this.location}${key}`, res);
    await res.arrayBuffer();
    return true;
  }

  async publishPublicKey(publicKey: KeyObject): Promise<void> {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const key = `${this.cfg.prefix}${PUBLIC_KEY_FILE}`;
    if (await this.putLocked(key, Buffer.from(pem), 'application/x-pem-file')) return;
    const published = await this.readPublicKey();
    if (!published || keyId(published) !== keyId(publicKey))
      throw new S3AnchorError(
        `the anchor bucket ${this.location} publishes another public key (${published ? keyId(published) : 'unreadable'}); this signing key is ${keyId(publicKey)}`,
      );
  }

  async readPublicKey(): Promise<KeyObject | null> {
    const res = await this.request('GET', `${this.cfg.prefix}${PUBLIC_KEY_FILE}`);
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    if (!res.ok) await this.fail(`GET ${this.location}${PUBLIC_KEY_FILE}`, res);
    return parsePublicKey(await res.text());
  }

  async write(c: CheckpointFile): Promise<string> {
    const key = `${this.cfg.prefix}${checkpointFileName(c)}`;
    const body = Buffer.from(`${JSON.stringify(c, null, 1)}\n`);
    if (!(await this.putLocked(key, body, 'application/json')))
      throw new S3AnchorError(`checkpoint ${key} exists in ${this.location}; checkpoints are never replaced`);
    return `s3://${this.cfg.bucket}/${key}`;
  }

  /** Object keys under the prefix (ListObjectsV2, every page). */
  private async keys(): Promise<string[]> {
    const out: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const query: Record<string, string> = { 'list-type': '2', prefix: `${this.cfg.prefix}checkpoint-` };
      if (token) query['continuation-token'] = token;
      const res = await this.request('GET', null, { query });
      if (!res.ok) await this.fail(`LIST ${this.location}`, res);
      const xml = await res.text();
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) out.push(xmlText(m[1]!));
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? xmlText(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '')
        : null;
      if (!token) return out;
    }
    throw new S3AnchorError(`LIST ${this.location}: too many pages`);
  }

  async list(): Promise<AuditCheckpoint[]> {
    const out: AuditCheckpoint[] = [];
    for (const key of (await this.keys()).sort()) {
      if (!CHECKPOINT_NAME.test(key.slice(this.cfg.prefix.length))) continue;
      const where = `s3://${this.cfg.bucket}/${key}`;
      const res = await this.request('GET', key);
      if (!res.ok) await this.fail(`GET ${where}`, res);
      const text = await res.text();
      if (res.headers.get('x-amz-object-lock-mode') !== 'COMPLIANCE')
        throw new S3AnchorError(
          `anchor file ${where} is not under a COMPLIANCE object lock: it was not written by this store`,
        );
      out.push(parseCheckpoint(where, text));
    }
    return out.sort(byTreeSizeThenTime);
  }
}
