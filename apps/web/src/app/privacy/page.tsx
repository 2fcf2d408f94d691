import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '../../components/data-table';
import { PolicyRevisionLine } from '../../components/policy-notice';
import { SITE } from '../../site';
import { DataCategories, Purposes, RetentionPeriods } from './processing-tables';
import styles from './privacy.module.css';

export const metadata: Metadata = {
  title: 'Privacy notice',
  description:
    'What TrueInterviewAI collects, why, for how long, who helps us process it, and the rights you have.',
};

const SECTIONS = [
  ['summary', 'The short version'],
  ['who', 'Who is responsible'],
  ['collect', 'What we collect'],
  ['purposes', 'Why we use it and on what legal basis'],
  ['automated', 'Automated feedback'],
  ['processors', 'Service providers'],
  ['transfers', 'International transfers'],
  ['retention', 'How long we keep data'],
  ['security', 'Security and breach response'],
  ['rights', 'Your rights'],
  ['california', 'Extra information for California residents'],
  ['cookies', 'Cookies and similar technologies'],
  ['children', 'Children'],
  ['links', 'Links to other websites'],
  ['changes', 'Changes to this notice'],
  ['contact', 'Contact us'],
] as const;

export default function PrivacyPage() {
  return (
    <div className={`container ${styles.doc}`}>
      <nav className={styles.toc} aria-labelledby="toc-title">
        <h2 id="toc-title">On this page</h2>
        <ol>
          {SECTIONS.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ol>
      </nav>

      <article className={styles.docBody} aria-labelledby="privacy-title">
        <header>
          <span className="eyebrow">Privacy notice</span>
          <h1 id="privacy-title">How we handle your data</h1>
          <p className={styles.docMeta}>
            <PolicyRevisionLine prefix="This notice:" /> ·{' '}
            <Link href="/privacy/revisions">earlier revisions</Link>
          </p>
        </header>

        <section id="summary" aria-labelledby="summary-h">
          <h2 id="summary-h">The short version</h2>
          <div className="callout">
            <p>
              You practise interviews by speaking.{' '}
              <strong>Your camera image never leaves your browser.</strong> Only the sound of each answer is
              uploaded, and <strong>we delete that audio as soon as it has been transcribed</strong>. For
              every answer you can see a deletion receipt. We keep your transcript and scores so you can track
              progress, until you delete them or, at the latest, for the period in{' '}
              <a href="#retention">How long we keep data</a>. We do not sell your data, we do not use it for
              advertising, and we do not use your answers to train AI models.
            </p>
          </div>
          <p>
            This notice explains the rest in plain language. It applies to our website and practice service.
            Where we say &ldquo;we&rdquo; or &ldquo;us&rdquo;, we mean {SITE.name}; &ldquo;you&rdquo; means
            anyone who visits the site or uses the service.
          </p>
        </section>

        <section id="who" aria-labelledby="who-h">
          <h2 id="who-h">Who is responsible</h2>
          <p>
            {SITE.name} decides how and why your personal data is used, which makes us the
            &ldquo;controller&rdquo; under the EU and UK General Data Protection Regulation (GDPR) and the
            &ldquo;business&rdquo; under the California Consumer Privacy Act as amended (CCPA). Our contact
            details, including how to reach our data protection lead, are in <a href="#contact">Contact us</a>
            .
          </p>
        </section>

        <section id="collect" aria-labelledby="collect-h">
          <h2 id="collect-h">What we collect</h2>
          <p>
            We collect as little as the service needs: account data, the audio of your answers with their
            transcripts and scores, usage data and technical data. In detail, from our records of processing:
          </p>
          <DataCategories />
          <h3>What we do not collect</h3>
          <ul>
            <li>Video or still images from your camera — these are processed on your device only.</li>
            <li>Voice prints or any biometric identifier: we do not use your voice to recognise you.</li>
            <li>
              Payment card numbers — if paid plans are offered, a payment provider handles them directly.
            </li>
          </ul>
          <p>
            Please do not include sensitive details (for example about your health, religion or political
            opinions) in your answers. If something like that ends up in a transcript, you can delete that
            transcript at any time.
          </p>
        </section>

        <section id="purposes" aria-labelledby="purposes-h">
          <h2 id="purposes-h">Why we use it and on what legal basis</h2>
          <Purposes />
          <p>
            Where we rely on legitimate interests, we have weighed them against your interests and you can
            object (see <a href="#rights">Your rights</a>). We never use your answers to train
            machine-learning models, and we do not sell or rent personal data.
          </p>
        </section>

        <section id="automated" aria-labelledby="automated-h">
          <h2 id="automated-h">Automated feedback</h2>
          <p>
            Scores are calculated automatically from your transcript against a published rubric. They exist
            only to help you practise: they are not shared with employers and have no legal or similarly
            significant effect on you. If a score looks wrong, tell us and a person will look at it.
          </p>
        </section>

        <section id="processors" aria-labelledby="processors-h">
          <h2 id="processors-h">Service providers</h2>
          <p>
            A small number of companies help us run the service. They act only on our documented instructions,
            under a data processing agreement that meets GDPR Article 28, and may not use your data for their
            own purposes:
          </p>
          <ul>
            <li>
              <strong>Cloud hosting and database</strong> — stores account data, transcripts and scores,
              encrypted at rest.
            </li>
            <li>
              <strong>Speech-to-text</strong> — receives answer audio only to return a transcript. It must not
              keep the audio afterwards or use it to improve its models.
            </li>
            <li>
              <strong>E-mail delivery</strong> — sends sign-in links, receipts and, if you opted in,
              reminders.
            </li>
            <li>
              <strong>Payments</strong> (only if you buy a plan) — processes your payment details directly.
            </li>
          </ul>
          <p>
            An up-to-date list of providers, with their locations, is available on request from the address in{' '}
            <a href="#contact">Contact us</a>. We may also disclose data when the law requires it, and we tell
            you about such requests unless we are legally prevented from doing so.
          </p>
        </section>

        <section id="transfers" aria-labelledby="transfers-h">
          <h2 id="transfers-h">International transfers</h2>
          <p>
            Some providers may process data outside the European Economic Area, the UK or your own country. We
            only allow that when the destination has an adequacy decision, or under the European
            Commission&apos;s Standard Contractual Clauses (with the UK addendum where UK data is involved).
            We assess each transfer and add technical safeguards such as encryption in transit and at rest.
            You can ask us for a copy of the relevant safeguards.
          </p>
        </section>

        <section id="retention" aria-labelledby="retention-h">
          <h2 id="retention-h">How long we keep data</h2>
          <RetentionPeriods />
          <p>
            Each person&apos;s stored data is encrypted with a key of its own. When we erase your data we
            destroy that key, so what remains of it in our records can no longer be read by anyone. A database
            backup made before your erasure still holds that key, so we also note the erasure — an account
            identifier, the reason and the time, nothing else — in a journal kept outside the database and its
            backups. If we ever restore a backup, everyone in that journal is erased again before the service
            starts.
          </p>
        </section>

        <section id="security" aria-labelledby="security-h">
          <h2 id="security-h">Security and breach response</h2>
          <p>
            We use encryption in transit and at rest, strict access control with two-factor authentication for
            staff, least-privilege access and audit logging. Staff can only see personal data when their role
            requires it.
          </p>
          <p>
            If a personal data breach happens, we contain it, investigate it and record it. Where it is likely
            to put your rights at risk, we report it to the competent supervisory authority within 72 hours of
            becoming aware of it. Where the risk to you is high, we tell you directly and without undue delay,
            including what happened and what you can do.
          </p>
        </section>

        <section id="rights" aria-labelledby="rights-h">
          <h2 id="rights-h">Your rights</h2>
          <p>
            Depending on where you live, you have some or all of these rights. We apply them to every user:
          </p>
          <ul>
            <li>
              <strong>Access and portability</strong> — get a copy of your data, including in a
              machine-readable format you can take elsewhere.
            </li>
            <li>
              <strong>Rectification</strong> — have inaccurate data corrected or incomplete data completed.
            </li>
            <li>
              <strong>Erasure</strong> — have your data deleted. You can delete single transcripts yourself at
              any time.
            </li>
            <li>
              <strong>Restriction</strong> — ask us to pause using your data while a concern is being
              resolved.
            </li>
            <li>
              <strong>Objection</strong> — object to processing based on our legitimate interests.
            </li>
            <li>
              <strong>Withdrawing consent</strong> — change your mind at any time; this does not affect what
              happened before.
            </li>
            <li>
              <strong>Complaint</strong> — complain to a data protection supervisory authority, in particular
              in the country where you live or work. We would appreciate the chance to help first.
            </li>
            <li>
              <strong>Non-discrimination</strong> — you will not get a worse service or price for using any of
              these rights.
            </li>
          </ul>
          <p>
            Signed in, you can use most of these rights yourself at any time on{' '}
            <Link href="/account/privacy">My data</Link>: download a copy of your data, correct your name or
            email, delete an answer or a whole practice session, withdraw a consent, pause processing, object,
            or make a complaint. Each request is recorded with the date it is due, and our compliance team
            follows it up.
          </p>
          <p>
            To use a right, write to <a href={`mailto:${SITE.privacyEmail}`}>{SITE.privacyEmail}</a>. We may
            ask you to confirm your identity so that nobody else can get your data. We answer within one month
            (CCPA requests within 45 days); if a request is complex we may extend that as the law allows and
            will tell you why.
          </p>
        </section>

        <section id="california" aria-labelledby="california-h">
          <h2 id="california-h">Extra information for California residents</h2>
          <p>
            In the last 12 months we collected the categories described in{' '}
            <a href="#collect">What we collect</a> for the purposes in <a href="#purposes">Why we use it</a>.
            We do not sell personal information and we do not share it for cross-context behavioural
            advertising. We do not use sensitive personal information to infer characteristics about you. You
            may use an authorised agent to make a request on your behalf.
          </p>
        </section>

        <section id="cookies" aria-labelledby="cookies-h">
          <h2 id="cookies-h">Cookies and similar technologies</h2>
          <p>
            We group cookies and similar storage into four categories. Only strictly necessary ones are used
            without your agreement; the others are set only after you opt in, and you can change your choice
            at any time.
          </p>
          <DataTable
            caption="Cookie categories"
            columns={['Category', 'What it does', 'Needs consent?']}
            rows={[
              [
                'Strictly necessary',
                'Keeps you signed in, protects forms against forgery, remembers your cookie choice.',
                'No — the service cannot work without them',
              ],
              [
                'Functional',
                'Remembers preferences such as your last practice track or microphone choice.',
                'Yes',
              ],
              [
                'Performance',
                'Counts visits and feature use in aggregate so we can improve the product.',
                'Yes',
              ],
              [
                'Targeting',
                'Advertising or cross-site tracking. We do not use any today; if that ever changes, only with consent.',
                'Yes',
              ],
            ]}
          />
        </section>

        <section id="children" aria-labelledby="children-h">
          <h2 id="children-h">Children</h2>
          <p>
            The service is not meant for anyone under 16, and you may not create an account if you are under
            16. If we learn that we hold data about someone under 16, we delete it. If you believe a child has
            an account here, <Link href="/privacy/report-minor">report it</Link> (no account needed): our
            compliance team reviews each report and erases the account when it is confirmed.
          </p>
        </section>

        <section id="links" aria-labelledby="links-h">
          <h2 id="links-h">Links to other websites</h2>
          <p>
            Our pages may link to websites we do not run, such as employers&apos; job postings. Their privacy
            practices are their own and this notice does not cover them; please read their notices before
            giving them your data.
          </p>
        </section>

        <section id="changes" aria-labelledby="changes-h">
          <h2 id="changes-h">Changes to this notice</h2>
          <p>
            Each revision of this notice has a number and a date, shown at the top, and every earlier revision
            stays readable with its full text on <Link href="/privacy/revisions">Revisions</Link>. When we
            make a significant change we email everyone with an account and, the next time you are signed in,
            show you what changed and ask you to confirm you have seen it; we record that confirmation. Where
            a change needs your consent we ask for it again.
          </p>
        </section>

        <section id="contact" aria-labelledby="contact-h">
          <h2 id="contact-h">Contact us</h2>
          <p>
            Questions, requests or complaints about privacy:{' '}
            <a href={`mailto:${SITE.privacyEmail}`}>{SITE.privacyEmail}</a>. By post: {SITE.postalAddress}.
            For anything else, <a href={`mailto:${SITE.supportEmail}`}>{SITE.supportEmail}</a>.
          </p>
          <p>
            <Link href="/">Back to the home page</Link>
          </p>
        </section>
      </article>
    </div>
  );
}
