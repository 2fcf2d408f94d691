import Link from 'next/link';
import {
  BriefcaseIcon,
  CameraOffIcon,
  CompassIcon,
  GlobeIcon,
  ReceiptIcon,
  TrashIcon,
  WaveIcon,
} from '../components/icons';
import styles from './page.module.css';

export default function HomePage() {
  return (
    <>
      <div className="container">
        <section className={styles.hero} aria-labelledby="hero-title">
          <div>
            <span className="eyebrow">Interview practice, out loud</span>
            <h1 id="hero-title">Rehearse the interview. Keep your privacy.</h1>
            <p className="lead">
              TrueInterviewAI asks you real interview questions, listens to your spoken answers and gives you
              structured, rubric-based feedback — so the first time you say it out loud is not in the real
              interview.
            </p>
            <div className="button-row">
              <a className="button" href="#privacy-promise">
                Our privacy promise
              </a>
              <a className="button secondary" href="#tracks">
                See the practice tracks
              </a>
            </div>
          </div>

          <figure className={styles.heroVisual} aria-labelledby="flow-caption">
            <ol className={styles.flow}>
              <li className={styles.local}>
                <div>
                  <strong>You answer on camera, in your browser</strong>
                  <span>Video is shown to you only. It is never uploaded or stored.</span>
                </div>
              </li>
              <li className={styles.local}>
                <div>
                  <strong>Your browser separates the sound</strong>
                  <span>Only the audio track of your answer is sent, over an encrypted connection.</span>
                </div>
              </li>
              <li>
                <div>
                  <strong>We transcribe it, then delete it</strong>
                  <span>The audio file is deleted as soon as the transcript exists.</span>
                </div>
              </li>
              <li>
                <div>
                  <strong>You get feedback and a receipt</strong>
                  <span>Scores against a clear rubric, plus proof of when your audio was deleted.</span>
                </div>
              </li>
            </ol>
            <figcaption id="flow-caption">What happens to one recorded answer, step by step.</figcaption>
          </figure>
        </section>
      </div>

      <div className="container">
        <section id="privacy-promise" className={styles.promise} aria-labelledby="promise-title">
          <div className={styles.sectionIntro}>
            <span className="eyebrow">Our privacy promise</span>
            <h2 id="promise-title">Your face stays with you. Your voice does not stay with us.</h2>
            <p>
              Practising an interview means being unpolished on purpose. We built the product so that the
              rough takes are not sitting on someone else&apos;s server.
            </p>
          </div>
          <ul className={`${styles.cardGrid} ${styles.four}`}>
            <li className="card">
              <CameraOffIcon />
              <h3>Video stays in your browser</h3>
              <p>
                The camera preview helps you watch your body language. It is processed on your device and
                never leaves it.
              </p>
            </li>
            <li className="card">
              <WaveIcon />
              <h3>Only audio is uploaded</h3>
              <p>
                For each answer, just the sound is sent to us — encrypted in transit — because a transcript
                needs it.
              </p>
            </li>
            <li className="card">
              <TrashIcon />
              <h3>Deleted right after transcription</h3>
              <p>
                Once the words are written down, the audio is erased. We keep the transcript and your scores,
                not the recording.
              </p>
            </li>
            <li className="card">
              <ReceiptIcon />
              <h3>You can see the deletion receipt</h3>
              <p>
                Every answer gets a receipt showing when its audio was deleted, so you do not have to take our
                word for it.
              </p>
            </li>
          </ul>
          <p className="fine-print">
            The details — what we keep, for how long, and the rights you have — are in our{' '}
            <Link href="/privacy">privacy notice</Link>.
          </p>
        </section>
      </div>

      <div className="container">
        <section id="tracks" className="section" aria-labelledby="tracks-title">
          <div className={styles.sectionIntro}>
            <span className="eyebrow">Three ways to practise</span>
            <h2 id="tracks-title">Pick the interview you are preparing for</h2>
            <p>
              Each track has its own question bank and its own scoring rubric, so the feedback fits the
              interview you will face.
            </p>
          </div>
          <ul className={`${styles.cardGrid} ${styles.three}`}>
            <li className={`card ${styles.track}`}>
              <BriefcaseIcon />
              <span className="track-tag">Job-specific</span>
              <h3>For one particular role</h3>
              <p>
                Start from the job description you are applying for and practise the questions that role is
                likely to raise.
              </p>
              <ul>
                <li>Questions drawn from the posting&apos;s requirements</li>
                <li>Feedback on relevance, evidence and clarity</li>
              </ul>
            </li>
            <li className={`card ${styles.track}`}>
              <CompassIcon />
              <span className="track-tag">Competency-based</span>
              <h3>Behavioural questions</h3>
              <p>
                &ldquo;Tell me about a time when…&rdquo; — practise structured stories about teamwork,
                ownership, conflict and results.
              </p>
              <ul>
                <li>Answers checked for situation, action and result</li>
                <li>Scores per competency, not one vague grade</li>
              </ul>
            </li>
            <li className={`card ${styles.track}`}>
              <GlobeIcon />
              <span className="track-tag">World Bank YPP</span>
              <h3>Young Professionals Program</h3>
              <p>
                Prepare for the panel interview of the World Bank Group&apos;s Young Professionals Program,
                where motivation and development impact matter.
              </p>
              <ul>
                <li>Questions on motivation, impact and working across cultures</li>
                <li>Practice for concise, evidence-led answers</li>
              </ul>
            </li>
          </ul>
          <p className="fine-print">
            TrueInterviewAI is an independent practice tool. It is not affiliated with, or endorsed by, the
            World Bank Group.
          </p>
        </section>

        <section className="section" aria-labelledby="how-title">
          <div className={styles.sectionIntro}>
            <span className="eyebrow">How a session works</span>
            <h2 id="how-title">Ten focused minutes</h2>
          </div>
          <ol className={styles.steps}>
            <li>
              <h3>Choose a track</h3>
              <p>Pick job-specific, competency-based or World Bank YPP, and how many questions you want.</p>
            </li>
            <li>
              <h3>Answer out loud</h3>
              <p>
                Read the question, think, and answer as you would in the room. Re-record whenever you like.
              </p>
            </li>
            <li>
              <h3>Review and repeat</h3>
              <p>Read your transcript, see your scores per criterion, and try the weakest answer again.</p>
            </li>
          </ol>
        </section>
      </div>
    </>
  );
}
