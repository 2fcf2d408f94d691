import type { breach } from '@tia/domain';
import { escapeHtml, type MailMessage } from '../mail/mailer.js';

/**
 * The email to a person affected by a breach (GDPR Art. 34(2)): plain language, in a fixed order — what
 * happened, what it may mean for them, what we did, what they can do, whom to ask.
 */
export const breachNotice = (name: string, w: breach.NoticeWording): Omit<MailMessage, 'to'> => {
  const sections: [string, string][] = [
    ['What happened', w.whatHappened],
    ['What this may mean for you', w.likelyConsequences],
    ['What we have done', w.measuresTaken],
    ['What you can do', w.whatYouCanDo],
    ['Questions', w.contact],
  ];
  const opening = `Hello ${name},`;
  const lead =
    'We are writing because a security problem at TrueInterviewAI affected some of your personal data. We want you to know what happened and what you can do.';
  return {
    subject: 'Important: a security problem affected your TrueInterviewAI data',
    text: [opening, lead, ...sections.map(([h, b]) => `${h}\n${b}`)].join('\n\n') + '\n',
    html: [
      '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">',
      `<p>${escapeHtml(opening)}</p><p>${escapeHtml(lead)}</p>`,
      ...sections.map(([h, b]) => `<h3>${escapeHtml(h)}</h3><p>${escapeHtml(b)}</p>`),
      '<p style="color:#6b7280;font-size:13px">TrueInterviewAI — interview practice you can trust with your voice.</p>',
      '</body></html>',
    ].join(''),
  };
};
