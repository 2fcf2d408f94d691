'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

function when(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace('Z', ' UTC');
}

/** A `datetime-local` value (the browser's local time) as an ISO instant. */
function instant(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

function fields(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

/** Time left before the authority deadline, ticking every second; negative once it has passed. */
function Countdown({ deadlineAt, stopped }: { deadlineAt: string; stopped: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (stopped) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [stopped]);
  const left = Date.parse(deadlineAt) - now;
  const abs = Math.abs(left);
  const h = Math.floor(abs / 3600_000);
  const m = Math.floor((abs % 3600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  if (stopped) return <span>Authority deadline was {when(deadlineAt)}</span>;
  return left >= 0 ? (
    <span data-testid="deadline-clock">
      {text} left to tell the authority (deadline {when(deadlineAt)})
    </span>
  ) : (
    <strong data-testid="deadline-clock">
      The 72 hours passed {text} ago (deadline {when(deadlineAt)}): report now and say why it is late.
    </strong>
  );
}

function Outcome({ error, ok }: { error: unknown; ok: string | null }) {
  if (error)
    return (
      <p className="notice bad" role="alert">
        {problemsOf(error).message}
      </p>
    );
  return ok ? (
    <p className="notice ok" role="status">
      {ok}
    </p>
  ) : null;
}

function TextArea({ id, name, label, max }: { id: string; name: string; label: string; max: number }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} className="input textarea" required maxLength={max} rows={3} />
    </div>
  );
}

function Breach({ breachId }: { breachId: string }) {
  const utils = api.useUtils();
  const b = api.breaches.get.useQuery({ breachId }, { retry: false });
  const list = api.breaches.list.useQuery(undefined, { retry: false });
  const refresh = () =>
    Promise.all([utils.breaches.get.invalidate({ breachId }), utils.breaches.list.invalidate()]);
  const contain = api.breaches.contain.useMutation({ onSuccess: refresh });
  const assess = api.breaches.assess.useMutation({ onSuccess: refresh });
  const notify = api.breaches.notify.useMutation({ onSuccess: refresh });
  const report = api.breaches.report.useMutation({ onSuccess: refresh });
  const remediate = api.breaches.remediate.useMutation({ onSuccess: refresh });
  const close = api.breaches.close.useMutation({ onSuccess: refresh });
  if (b.error)
    return (
      <p className="notice bad" role="alert">
        {problemsOf(b.error).message}
      </p>
    );
  if (!b.data) return <p>Loading the incident…</p>;
  const d = b.data;
  const open = d.status === 'open';
  const categories = list.data?.categories ?? {};
  return (
    <article aria-labelledby="breach-title" className="section-block" data-testid="breach">
      <h2 id="breach-title">{d.title}</h2>
      <p>{d.description}</p>
      <p className="notice" aria-live="off">
        Aware since {when(d.awareAt)}.{' '}
        {d.reportedAt ? (
          <span>Authority told at {when(d.reportedAt)}.</span>
        ) : (
          <Countdown deadlineAt={d.deadlineAt} stopped={!open} />
        )}
      </p>
      <p>
        Status: <strong data-testid="breach-status">{open ? 'open' : 'closed'}</strong>
        {d.closedAt ? ` since ${when(d.closedAt)}` : ''}
      </p>

      {open ? (
        <>
          <section aria-labelledby="contain-title">
            <h3 id="contain-title">1. Contain</h3>
            <form
              aria-label="Containment"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const f = fields(e.currentTarget);
                contain.mutate({
                  breachId,
                  userId: f.userId ?? '',
                  action: (f.action ?? 'revoke_sessions') as 'revoke_sessions',
                });
              }}
            >
              <div className="field">
                <label htmlFor="c-user">Account id</label>
                <input
                  id="c-user"
                  name="userId"
                  className="input"
                  required
                  maxLength={200}
                  autoComplete="off"
                />
              </div>
              <div className="field">
                <label htmlFor="c-action">Action</label>
                <select id="c-action" name="action" className="input narrow" defaultValue="suspend_account">
                  <option value="suspend_account">Suspend the account (and end its sessions)</option>
                  <option value="revoke_sessions">End all its sessions</option>
                  <option value="lift_suspension">Lift the suspension</option>
                </select>
              </div>
              <button type="submit" className="button secondary" disabled={contain.isPending}>
                Carry out
              </button>
            </form>
            <Outcome
              error={contain.error}
              ok={contain.data ? `Done: ${contain.data.sessionsEnded} session(s) ended.` : null}
            />
            {d.suspended.length > 0 ? (
              <p>Suspended for this incident: {d.suspended.map((s) => s.userId).join(', ')}</p>
            ) : null}
          </section>

          <section aria-labelledby="assess-title">
            <h3 id="assess-title">2. Find who is affected</h3>
            <p>Everyone with events of the chosen kind of data recorded in the window.</p>
            <form
              aria-label="Affected people"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const f = fields(e.currentTarget);
                assess.mutate({
                  breachId,
                  windowFrom: instant(f.from ?? ''),
                  windowTo: instant(f.to ?? ''),
                  category: (f.category ?? 'identity') as 'identity',
                });
              }}
            >
              <div className="field">
                <label htmlFor="a-from">From (your local time)</label>
                <input id="a-from" name="from" type="datetime-local" step="1" className="input" required />
              </div>
              <div className="field">
                <label htmlFor="a-to">To (your local time)</label>
                <input id="a-to" name="to" type="datetime-local" step="1" className="input" required />
              </div>
              <div className="field">
                <label htmlFor="a-cat">Data concerned</label>
                <select id="a-cat" name="category" className="input narrow">
                  {Object.entries(categories).map(([k, label]) => (
                    <option key={k} value={k}>
                      {String(label)}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="button secondary" disabled={assess.isPending}>
                Compute affected people
              </button>
            </form>
            <Outcome error={assess.error} ok={null} />
            {d.assessment ? (
              <p data-testid="affected-summary">
                {d.assessment.subjects} people affected, {d.assessment.records} records (
                {d.assessment.category}, {when(d.assessment.windowFrom)} to {when(d.assessment.windowTo)});{' '}
                {d.notified} told so far.
              </p>
            ) : null}
          </section>

          <section aria-labelledby="notify-title">
            <h3 id="notify-title">3. Tell the people affected</h3>
            <p>
              Write plainly. Each person gets one email; people already told are not written to again. Notices
              go out in batches of 50.
            </p>
            <form
              aria-label="Notice to affected people"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const f = fields(e.currentTarget);
                notify.mutate({
                  breachId,
                  whatHappened: f.whatHappened ?? '',
                  likelyConsequences: f.likelyConsequences ?? '',
                  measuresTaken: f.measuresTaken ?? '',
                  whatYouCanDo: f.whatYouCanDo ?? '',
                  contact: f.contact ?? '',
                });
              }}
            >
              <TextArea id="n-what" name="whatHappened" label="What happened" max={3000} />
              <TextArea
                id="n-cons"
                name="likelyConsequences"
                label="What this may mean for them"
                max={3000}
              />
              <TextArea id="n-done" name="measuresTaken" label="What we have done" max={3000} />
              <TextArea id="n-can" name="whatYouCanDo" label="What they can do" max={3000} />
              <TextArea id="n-contact" name="contact" label="Whom to ask" max={500} />
              <button type="submit" className="button" disabled={notify.isPending}>
                {notify.isPending
                  ? 'Sending…'
                  : notify.data && notify.data.remaining > 0
                    ? 'Send the next batch'
                    : 'Send notices'}
              </button>
            </form>
            <Outcome
              error={notify.error}
              ok={
                notify.data
                  ? `${notify.data.sent} notice(s) sent; ${notify.data.alreadyNotified} already told; ${notify.data.unreachable} without an account to write to.${notify.data.remaining > 0 ? ` ${notify.data.remaining} still to tell: send the next batch.` : ''}`
                  : null
              }
            />
          </section>

          <section aria-labelledby="report-title">
            <h3 id="report-title">4. Report to the supervisory authority (Art. 33(3))</h3>
            <form
              aria-label="Authority report"
              key={`report-${d.assessment?.subjects ?? 0}-${d.assessment?.records ?? 0}`}
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const f = fields(e.currentTarget);
                report.mutate({
                  breachId,
                  nature: f.nature ?? '',
                  subjectCategories: f.subjectCategories ?? '',
                  approxSubjects: Number(f.approxSubjects),
                  recordCategories: f.recordCategories ?? '',
                  approxRecords: Number(f.approxRecords),
                  dpoContact: f.dpoContact ?? '',
                  likelyConsequences: f.likelyConsequences ?? '',
                  measuresTaken: f.measuresTaken ?? '',
                  measuresProposed: f.measuresProposed ?? '',
                  delayReason: f.delayReason ? f.delayReason : null,
                });
              }}
            >
              <TextArea id="r-nature" name="nature" label="Nature of the breach" max={5000} />
              <TextArea
                id="r-subj"
                name="subjectCategories"
                label="Categories of people concerned"
                max={1000}
              />
              <div className="field">
                <label htmlFor="r-nsubj">Approximate number of people</label>
                <input
                  id="r-nsubj"
                  name="approxSubjects"
                  type="number"
                  min={0}
                  className="input narrow"
                  required
                  defaultValue={d.assessment?.subjects ?? 0}
                />
              </div>
              <TextArea
                id="r-rec"
                name="recordCategories"
                label="Categories of records concerned"
                max={1000}
              />
              <div className="field">
                <label htmlFor="r-nrec">Approximate number of records</label>
                <input
                  id="r-nrec"
                  name="approxRecords"
                  type="number"
                  min={0}
                  className="input narrow"
                  required
                  defaultValue={d.assessment?.records ?? 0}
                />
              </div>
              <div className="field">
                <label htmlFor="r-dpo">Data protection officer contact</label>
                <input id="r-dpo" name="dpoContact" className="input" required maxLength={500} />
              </div>
              <TextArea id="r-cons" name="likelyConsequences" label="Likely consequences" max={5000} />
              <TextArea id="r-taken" name="measuresTaken" label="Measures taken" max={5000} />
              <TextArea id="r-prop" name="measuresProposed" label="Measures proposed" max={5000} />
              <div className="field">
                <label htmlFor="r-delay">Why the report is late (only after 72 hours)</label>
                <textarea
                  id="r-delay"
                  name="delayReason"
                  className="input textarea"
                  maxLength={2000}
                  rows={2}
                />
              </div>
              <button type="submit" className="button secondary" disabled={report.isPending}>
                Record the report
              </button>
            </form>
            <Outcome error={report.error} ok={report.isSuccess ? 'Report recorded.' : null} />
          </section>

          <section aria-labelledby="remedy-title">
            <h3 id="remedy-title">5. Remediation notes</h3>
            <form
              aria-label="Remediation note"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                remediate.mutate({ breachId, note: fields(e.currentTarget).note ?? '' });
                e.currentTarget.reset();
              }}
            >
              <TextArea id="m-note" name="note" label="Note" max={5000} />
              <button type="submit" className="button secondary" disabled={remediate.isPending}>
                Add note
              </button>
            </form>
            <Outcome error={remediate.error} ok={null} />
          </section>

          <section aria-labelledby="close-title">
            <h3 id="close-title">6. Close</h3>
            <form
              aria-label="Close the incident"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const f = fields(e.currentTarget);
                close.mutate({
                  breachId,
                  summary: f.summary ?? '',
                  notReportedReason: f.notReportedReason ? f.notReportedReason : null,
                });
              }}
            >
              <TextArea id="x-sum" name="summary" label="Summary" max={5000} />
              <div className="field">
                <label htmlFor="x-why">If not reported: why it is unlikely to put anyone at risk</label>
                <textarea
                  id="x-why"
                  name="notReportedReason"
                  className="input textarea"
                  maxLength={2000}
                  rows={2}
                />
              </div>
              <button type="submit" className="button secondary" disabled={close.isPending}>
                Close the incident
              </button>
            </form>
            <Outcome error={close.error} ok={null} />
          </section>
        </>
      ) : (
        <p>{d.summary}</p>
      )}

      <section aria-labelledby="steps-title">
        <h3 id="steps-title">What was done</h3>
        <ol data-testid="breach-steps">
          {d.steps.map((s) => (
            <li key={s.seq}>
              {when(s.at)}: {s.kind}
              {s.kind === 'remediation' && typeof s.detail.note === 'string' ? ` — ${s.detail.note}` : ''}
              {s.kind === 'containment'
                ? ` — ${String(s.detail.action)} on ${String(s.detail.userId)}`
                : ''}{' '}
              (by {s.actor})
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

export function BreachConsole() {
  const utils = api.useUtils();
  const list = api.breaches.list.useQuery(undefined, { retry: false });
  const register = api.breaches.register.useMutation({
    onSuccess: async (r) => {
      setSelected(r.breachId);
      await utils.breaches.list.invalidate();
    },
  });
  const [selected, setSelected] = useState<string | null>(null);
  if (list.error) {
    const p = problemsOf(list.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer" message={p.message} />;
  }
  return (
    <>
      <section aria-labelledby="new-title" className="section-block">
        <h2 id="new-title">Register an incident</h2>
        <form
          aria-label="New incident"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const f = fields(e.currentTarget);
            register.mutate({
              title: f.title ?? '',
              description: f.description ?? '',
              awareAt: instant(f.awareAt ?? ''),
            });
          }}
        >
          <div className="field">
            <label htmlFor="b-title">Short title</label>
            <input id="b-title" name="title" className="input" required maxLength={200} />
          </div>
          <TextArea id="b-desc" name="description" label="What is known so far" max={5000} />
          <div className="field">
            <label htmlFor="b-aware">When you became aware (your local time)</label>
            <input id="b-aware" name="awareAt" type="datetime-local" step="1" className="input" required />
          </div>
          <button type="submit" className="button" disabled={register.isPending}>
            Register
          </button>
        </form>
        <Outcome error={register.error} ok={null} />
      </section>
      <section aria-labelledby="list-title" className="section-block">
        <h2 id="list-title">Incidents</h2>
        {list.data && list.data.breaches.length === 0 ? <p>No incident recorded.</p> : null}
        <ul>
          {list.data?.breaches.map((b) => (
            <li key={b.breachId}>
              <button type="button" className="link-button" onClick={() => setSelected(b.breachId)}>
                {b.title}
              </button>{' '}
              — {b.status}, aware since {when(b.awareAt)}, {b.affected} affected, {b.notified} told
              {b.status === 'open' && !b.reportedAt && Date.parse(b.deadlineAt) < Date.now() ? (
                <strong> — authority deadline passed</strong>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {selected ? <Breach breachId={selected} /> : null}
    </>
  );
}
