/**
 * The right to lodge a complaint (P29): the person writes what went wrong; it reaches compliance as a
 * privacy request (kind `complaint`, open until an officer marks it handled). The text is personal content,
 * encrypted under the person's key on the `complaint-<requestId>` stream. The page also names the
 * supervisory authority, since a complaint to us never replaces the right to complain to them.
 */
import { z } from 'zod';
import type { AuthServices } from '../services.js';
import { Forbidden, NotFound } from '../errors.js';
import { recordPrivacyRequest } from './requests.js';

export const complaintInput = z.object({
  text: z
    .string()
    .trim()
    .min(10, 'Please tell us a little more (at least 10 characters).')
    .max(5000, 'Please keep it under 5,000 characters.'),
});

export const complaintStream = (requestId: string) => `complaint-${requestId}`;

export const lodgeComplaint = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof complaintInput>,
): Promise<{ requestId: string; dueAt: string }> => {
  const { text } = complaintInput.parse(raw);
  return a.sql.begin(async (tx) => {
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    const now = a.clock().toISOString();
    const requestId = await recordPrivacyRequest(a, tx, {
      subjectId: actor.userId,
      kind: 'complaint',
      actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
      now,
    });
    await a.store.append(
      complaintStream(requestId),
      0,
      [
        {
          eventId: a.newId(),
          type: 'ComplaintLodged',
          data: { requestId, subjectId: actor.userId, text, lodgedAt: now },
          metadata: {
            occurredAt: now,
            actor: { kind: 'user', id: actor.userId },
            correlationId: actor.requestId,
          },
        },
      ],
      { tx, inline: a.inline },
    );
    const due = await tx<{ due_at: Date }[]>`
      select due_at from rm_privacy_requests where request_id = ${requestId}`;
    return { requestId, dueAt: due[0]!.due_at.toISOString() };
  });
};

export const complaintTextInput = z.object({ requestId: z.string().min(1).max(200) });

/** The complaint's text for the compliance officer handling it (decrypted; gone after erasure). */
export const complaintText = async (
  a: AuthServices,
  raw: z.input<typeof complaintTextInput>,
): Promise<{ text: string | null; lodgedAt: string }> => {
  const { requestId } = complaintTextInput.parse(raw);
  const events = await a.store.readStream(complaintStream(requestId));
  const e = events.find((x) => x.type === 'ComplaintLodged');
  if (!e) throw new NotFound('No complaint with this request id.');
  const d = e.data as { text: unknown; lodgedAt: string };
  return { text: typeof d.text === 'string' ? d.text : null, lodgedAt: d.lodgedAt };
};
