'use client';

import Link from 'next/link';

/** The three sign-up consents: separate, never pre-ticked; only recording feedback is required. */
export interface Consents {
  recordingFeedback: boolean;
  productImprovement: boolean;
  marketingEmail: boolean;
}

export const NO_CONSENTS: Consents = {
  recordingFeedback: false,
  productImprovement: false,
  marketingEmail: false,
};

/** Server field paths of the consents → input ids (for error summaries). */
export const CONSENT_FIELD_IDS: Record<string, string> = {
  'consents.recordingFeedback': 'consent-recording',
  consents: 'consent-recording',
  'consents.productImprovement': 'consent-improvement',
  'consents.marketingEmail': 'consent-marketing',
};

/** The consent checkboxes of sign-up and of completing a Google profile, naming the policy version. */
export function ConsentFieldset({
  policyVersion,
  value,
  onChange,
  error,
  hintId,
}: {
  policyVersion: string;
  value: Consents;
  onChange: (next: Consents) => void;
  error: string | undefined;
  hintId: string;
}) {
  return (
    <fieldset className="consents">
      <legend>Your choices</legend>
      <p className="hint" id={hintId}>
        How we use your data is explained in the <Link href="/privacy">privacy notice</Link> (version{' '}
        <span className="nowrap">{policyVersion}</span>). You can withdraw any consent later in your account.
      </p>
      <div className={`checkbox${error ? ' has-error' : ''}`}>
        {error ? (
          <p className="field-error" id="consent-recording-error">
            <span className="visually-hidden">Error: </span>
            {error}
          </p>
        ) : null}
        <input
          type="checkbox"
          id="consent-recording"
          name="recordingFeedback"
          checked={value.recordingFeedback}
          onChange={(e) => onChange({ ...value, recordingFeedback: e.target.checked })}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'consent-recording-error' : undefined}
        />
        <label htmlFor="consent-recording">
          I agree that my recorded answers are processed to give me feedback, as described in the privacy
          notice (version <span className="nowrap">{policyVersion}</span>).{' '}
          <span className="req">Required</span>
        </label>
      </div>
      <div className="checkbox">
        <input
          type="checkbox"
          id="consent-improvement"
          name="productImprovement"
          checked={value.productImprovement}
          onChange={(e) => onChange({ ...value, productImprovement: e.target.checked })}
        />
        <label htmlFor="consent-improvement">
          Use my transcripts, without my name, to improve the questions and feedback.{' '}
          <span className="opt">Optional</span>
        </label>
      </div>
      <div className="checkbox">
        <input
          type="checkbox"
          id="consent-marketing"
          name="marketingEmail"
          checked={value.marketingEmail}
          onChange={(e) => onChange({ ...value, marketingEmail: e.target.checked })}
        />
        <label htmlFor="consent-marketing">
          Send me occasional emails about new practice tracks and features.{' '}
          <span className="opt">Optional</span>
        </label>
      </div>
    </fieldset>
  );
}
