/**
 * Emails about a significant revision of the privacy notice (P07, P35), run by the worker in bounded batches.
 *
 * Only the latest significant revision is announced (it covers earlier ones). Recipients: live accounts with a
 * confirmed email address, created before the revision was published, not erased, who have not already
 * acknowledged it in the app. Each batch first claims its people (`policy_notice_claims`, one row per person
 * and revision, committed before any mail goes out), then sends and records each sent email as
 * `PolicyChangeNoticeSent`. A claim is never taken twice, so a retry, a crash or a second worker never mails
 * the same person twice about the same revision. A mail server refusing a message releases the claims not yet
 * sent (they are tried again in the next run); a crash between the server accepting a mail and its event leaves
 * a claim without event: counted as "unconfirmed" in the console, and not sent again.
 */
import { CommandHandler, openAccountFields, SubjectErasedError, type SealedAccountRow } from '@tia/db';
import { policy } from '@tia/domain';
import type { WorkerMailDeps } from '../mail/worker-mail.js';
import { policyChangeNotice } from './notice-mail.js';

export { createMailer, type Mailer, type MailMessage } from '../mail/mailer.js';

export type NoticeMailingDeps = WorkerMailDeps;

export interface MailingRun {
  revision: number | null;
  claimed: number;
  sent: number;
  /** Mail server refusals in this run (their claims were released). */
  failed: number;
}

type RevisionRow = {
  revision: number;
  revision_id: string;
  summary: string;
  effective_on: string;
  published_at: Date;
};

/** One batch: claims at most `batchSize` people for the latest significant revision and mails them. */
export const mailPolicyNotices = async (d: NoticeMailingDeps, batchSize: number): Promise<MailingRun> => {
  const [rev] = await d.sql<RevisionRow[]>`
    select revision, revision_id, summary, effective_on::text as effective_on, published_at
    from rm_policy_revisions where significant order by revision desc limit 1`;
  if (!rev) return { revision: null, claimed: 0, sent: 0, failed: 0 };
  const claimed = await d.sql<{ user_id: string }[]>`
    insert into policy_notice_claims (revision, user_id)
    select ${rev.revision}, a.user_id from rm_accounts a
    where a.email_verified_at is not null
      and a.created_at < ${rev.published_at}
      and not exists (select 1 from erased_subjects e where e.subject_id = a.user_id)
      and not exists (select 1 from policy_notice_claims c
                      where c.revision = ${rev.revision} and c.user_id = a.user_id)
      and not exists (select 1 from rm_policy_acceptances p
                      where p.user_id = a.user_id and p.revision >= ${rev.revision})
    order by a.user_id
    limit ${batchSize}
    on conflict do nothing
    returning user_id`;
  const run: MailingRun = { revision: rev.revision, claimed: claimed.length, sent: 0, failed: 0 };
  if (claimed.length === 0) return run;
  const ids = claimed.map((c) => c.user_id);
  const rows = await d.sql<SealedAccountRow[]>`
    select user_id, name_enc, email_enc from rm_accounts where user_id in ${d.sql(ids)}`;
  const people = await openAccountFields(d.keys, d.sql, rows);
  const info: policy.RevisionInfo = {
    revision: rev.revision,
    revisionId: rev.revision_id,
    summary: rev.summary,
    significant: true,
    effectiveOn: rev.effective_on.slice(0, 10),
    publishedAt: rev.published_at.toISOString(),
  };
  const commands = new CommandHandler({
    sql: d.sql,
    store: d.store,
    clock: d.clock,
    newId: d.newId,
    inline: d.inline,
  });
  const release = (userIds: string[]) =>
    userIds.length === 0
      ? Promise.resolve()
      : d.sql`delete from policy_notice_claims where revision = ${rev.revision} and user_id in ${d.sql(userIds)}`;
  for (let i = 0; i < ids.length; i++) {
    const userId = ids[i]!;
    const person = people.get(userId);
    if (!person) {
      await release([userId]); // erased since it was claimed: nobody to write to
      continue;
    }
    try {
      await d.mailer.send({ to: person.email, ...policyChangeNotice(person.name, info, d.origin) });
    } catch (e) {
      // Not accepted: nothing went out to these people; they are claimed again in a later run.
      run.failed++;
      await release(ids.slice(i));
      throw Object.assign(new Error('the mail server refused a policy-change notice'), { cause: e, run });
    }
    try {
      await commands.handle(
        policy.noticeDecider,
        policy.noticeStream(rev.revision, userId),
        (_s, now): policy.RecordNoticeSent => ({ type: 'RecordNoticeSent', userId, revision: info, now }),
        { actor: { kind: 'system', id: 'policy-notices' } },
      );
      run.sent++;
    } catch (e) {
      if (!(e instanceof SubjectErasedError)) throw e; // erased after the mail went: nothing to record about them
    }
  }
  return run;
};
