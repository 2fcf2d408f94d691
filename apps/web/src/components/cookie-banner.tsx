'use client';

import { useEffect, useState } from 'react';
import { api } from './auth/api';
import { problemsOf } from './forms';
import styles from './cookie-banner.module.css';

/** The one essential cookie that remembers the choice: `<consentId>.<performance><functional><targeting>`. */
export const COOKIE_CONSENT_COOKIE = 'tia_cookie_consent';
const OPEN_EVENT = 'tia:cookie-settings';

interface Choice {
  consentId: string | null;
  performance: boolean;
  functional: boolean;
  targeting: boolean;
}

const CATEGORIES = [
  { key: 'performance', title: 'Performance', about: 'Counting visits and load times to make pages faster.' },
  { key: 'functional', title: 'Functional', about: 'Remembering preferences such as layout choices.' },
  { key: 'targeting', title: 'Targeting', about: 'Advertising based on your interests.' },
] as const;

/** The stored choice, or null when the visitor has not chosen yet (the banner then shows). */
export function readCookieChoice(cookieHeader: string): Choice | null {
  const raw = cookieHeader
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE_CONSENT_COOKIE}=`));
  const m = raw
    ? /^([0-9a-f-]{36})\.([01])([01])([01])$/.exec(raw.slice(COOKIE_CONSENT_COOKIE.length + 1))
    : null;
  if (!m) return null;
  return { consentId: m[1]!, performance: m[2] === '1', functional: m[3] === '1', targeting: m[4] === '1' };
}

/** Footer link that reopens the cookie choices. */
export function CookieSettingsLink() {
  return (
    <button type="button" className="link-button" onClick={() => window.dispatchEvent(new Event(OPEN_EVENT))}>
      Cookie settings
    </button>
  );
}

/**
 * Cookie consent (P34): essential cookies are always on; performance, functional and targeting stay off until
 * chosen, and the app loads nothing of those kinds before (today it has none at all). Every choice is recorded.
 */
export function CookieBanner() {
  const [open, setOpen] = useState(false);
  const [details, setDetails] = useState(false);
  const [choice, setChoice] = useState<Choice>({
    consentId: null,
    performance: false,
    functional: false,
    targeting: false,
  });
  const record = api.privacy.recordCookieConsent.useMutation({ onSuccess: () => setOpen(false) });

  useEffect(() => {
    const stored = readCookieChoice(document.cookie);
    if (stored) setChoice(stored);
    else setOpen(true);
    const reopen = () => {
      const now = readCookieChoice(document.cookie);
      if (now) setChoice(now);
      setDetails(true);
      setOpen(true);
    };
    window.addEventListener(OPEN_EVENT, reopen);
    return () => window.removeEventListener(OPEN_EVENT, reopen);
  }, []);

  if (!open) return null;
  const save = (c: Omit<Choice, 'consentId'>) =>
    record.mutate({ ...(choice.consentId ? { consentId: choice.consentId } : {}), ...c });
  return (
    <section className={styles.banner} aria-labelledby="cookie-banner-title">
      <div className="container">
        <h2 id="cookie-banner-title">Your cookie choice</h2>
        <p>
          We use essential cookies only: to keep you signed in, protect forms and remember this choice.
          Nothing else is set unless you allow it below. <a href="/privacy#cookies">About cookies</a>
        </p>
        {record.error ? (
          <p className="notice bad" role="alert">
            {problemsOf(record.error).message}
          </p>
        ) : null}
        {details ? (
          <fieldset className={styles.choices}>
            <legend>Choose which cookies to allow</legend>
            <label>
              <input type="checkbox" checked disabled /> Essential (always on)
            </label>
            {CATEGORIES.map((c) => (
              <label key={c.key}>
                <input
                  type="checkbox"
                  name={c.key}
                  checked={choice[c.key]}
                  onChange={(e) => setChoice({ ...choice, [c.key]: e.target.checked })}
                />{' '}
                {c.title} — <span className="fine-print">{c.about}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <p className="button-row tight">
          <button
            type="button"
            className="button secondary"
            disabled={record.isPending}
            onClick={() => save({ performance: false, functional: false, targeting: false })}
          >
            Essential only
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={record.isPending}
            onClick={() => save({ performance: true, functional: true, targeting: true })}
          >
            Allow all
          </button>
          {details ? (
            <button
              type="button"
              className="button"
              disabled={record.isPending}
              onClick={() =>
                save({
                  performance: choice.performance,
                  functional: choice.functional,
                  targeting: choice.targeting,
                })
              }
            >
              Save my choice
            </button>
          ) : (
            <button type="button" className="button" onClick={() => setDetails(true)}>
              Choose
            </button>
          )}
        </p>
      </div>
    </section>
  );
}
