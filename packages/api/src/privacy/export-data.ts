/**
 * Access and portability (P44): the person asks for a copy of everything held about them; the worker builds
 * the ZIP (`@tia/db` privacy-export) and they download it once at `GET /api/exports/<exportId>` within 24 hours.
 * Asking is a privacy request (kind `export`), completed when the file is ready.
 */
import { exportsOf, exportStream, lockSubject, takeExportArchive, type ExportStatus } from '@tia/db';
import { z } from 'zod';
import type { AuthServices } from '../services.js';
import { Conflict, Forbidden, NotFound, Unauthenticated } from '../errors.js';
import type { Session } from '../context.js';
import { recordPrivacyRequest } from './requests.js';

/** The person's exports (newest first) with the worker's progress. */
export const listExports = (a: AuthServices, userId: string): Promise<ExportStatus[]> =>
  exportsOf(a.sql, userId);

/**
 * Asks for an export. One at a time: while one is being built or waits to be downloaded, asking again
 * answers with that one instead of starting another.
 */
export const requestExport = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
): Promise<ExportStatus> => {
  const exportId = await a.sql.begin(async (tx) => {
    await lockSubject(tx, actor.userId);
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    const now = a.clock();
    const pending = await tx<{ export_id: string }[]>`
      select export_id from privacy_exports
       where subject_id = ${actor.userId}
         and (status in ('requested', 'building') or (status = 'ready' and expires_at > ${now}))
       order by requested_at desc limit 1`;
    if (pending[0]) return pending[0].export_id;
    const at = now.toISOString();
    const requestId = await recordPrivacyRequest(a, tx, {
      subjectId: actor.userId,
      kind: 'export',
      actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
      now: at,
    });
    const id = a.newId();
    await tx`insert into privacy_exports (export_id, subject_id, request_id, status, requested_at)
             values (${id}, ${actor.userId}, ${requestId}, 'requested', ${now})`;
    await a.store.append(
      exportStream(id),
      0,
      [
        {
          eventId: a.newId(),
          type: 'DataExportRequested',
          data: { exportId: id, requestId, subjectId: actor.userId, requestedAt: at },
          metadata: {
            occurredAt: at,
            actor: { kind: 'user', id: actor.userId },
            correlationId: actor.requestId,
          },
        },
      ],
      { tx, inline: a.inline },
    );
    return id;
  });
  const mine = await exportsOf(a.sql, actor.userId);
  const found = mine.find((e) => e.exportId === exportId);
  if (!found) throw new Conflict('Your export could not be found; please try again.');
  return found;
};

const exportIdSchema = z.uuid();

/**
 * The download (`GET /api/exports/<exportId>`): only its owner, once, before it expires. Refusals say what
 * happened and what to do; none is a 500.
 */
export const downloadExport = async (
  a: AuthServices,
  session: Session | null,
  rawExportId: string,
): Promise<{ zip: Buffer; filename: string }> => {
  if (!session) throw new Unauthenticated('Sign in to download your data.');
  const parsed = exportIdSchema.safeParse(rawExportId);
  if (!parsed.success) throw new NotFound('No such export.');
  const r = await takeExportArchive(a, session.userId, parsed.data, a.clock());
  switch (r.kind) {
    case 'ok':
      return { zip: r.zip, filename: `trueinterviewai-data-${a.clock().toISOString().slice(0, 10)}.zip` };
    case 'not_found':
      throw new NotFound('No such export.');
    case 'not_ready':
      throw new Conflict('Your export is still being prepared. Try again in a moment.');
    case 'used':
      throw new NotFound('This download link was already used, and the file is deleted. Ask for a new copy.');
    case 'expired':
      throw new NotFound(
        'This download link expired after 24 hours, and the file is deleted. Ask for a new copy.',
      );
  }
};
