import type { policy } from '@tia/domain';
import { escapeHtml, type MailMessage } from '../mail/mailer.js';

/** The email about a significant revision of the privacy notice (P07, P35), in plain language. */
export const policyChangeNotice = (
  name: string,
  r: Pick<policy.RevisionInfo, 'revision' | 'revisionId' | 'summary' | 'effectiveOn'>,
  origin: string,
): Omit<MailMessage, 'to'> => {
  const link = `${origin.replace(/\/$/, '')}/privacy/revisions/${r.revision}`;
  const opening = `Hello ${name},`;
  const lead = `We have changed our privacy notice in a way that matters to you. The new version (${r.revisionId}) applies from ${r.effectiveOn}.`;
  const what = 'What changed';
  const after = [
    `You can read the whole new notice, and every earlier version, at ${link}.`,
    'Next time you sign in we will ask you to confirm that you have seen this change. If you do not agree with it, you can withdraw a consent, object, or erase your account from "My data" at any time.',
  ];
  return {
    subject: 'We changed our privacy notice',
    text: [opening, lead, `${what}\n${r.summary}`, ...after].join('\n\n') + '\n',
    html: [
      '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">',
      `<p>${escapeHtml(opening)}</p><p>${escapeHtml(lead)}</p>`,
      `<h3>${escapeHtml(what)}</h3><p>${escapeHtml(r.summary)}</p>`,
      ...after.map((p) => `<p>${escapeHtml(p)}</p>`),
      '<p style="color:#6b7280;font-size:13px">TrueInterviewAI — interview practice you can trust with your voice.</p>',
      '</body></html>',
    ].join(''),
  };
};
