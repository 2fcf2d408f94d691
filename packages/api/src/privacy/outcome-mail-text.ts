import type { MailMessage } from '../mail/mailer.js';
import { escapeHtml } from '../mail/mailer.js';

/**
 * The emails about the outcome of a right (P07), in plain language and with as little as possible in them: no
 * name, no download link, no identifier of the export, nothing from the complaint — only that something is
 * waiting in the privacy center, where the person signs in to see it.
 */
const body = (paragraphs: string[]): Pick<MailMessage, 'text' | 'html'> => ({
  text: paragraphs.join('\n\n') + '\n',
  html: [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<p style="color:#6b7280;font-size:13px">TrueInterviewAI — interview practice you can trust with your voice.</p>',
    '</body></html>',
  ].join(''),
});

const center = (origin: string) => `${origin.replace(/\/$/, '')}/account/privacy`;
const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export const exportReadyMail = (
  r: { requestedAt: string; expiresAt: string },
  origin: string,
): Omit<MailMessage, 'to'> => ({
  subject: 'Your copy of your data is ready',
  ...body([
    'Hello,',
    `The copy of your data you asked for on ${day(r.requestedAt)} is ready. Sign in and open "My data" in your privacy center to download it: ${center(origin)}`,
    `It can be downloaded once, until ${minute(r.expiresAt)}. After that it is deleted, and you can ask for a new copy at any time.`,
    'If you did not ask for a copy, sign in and change your password, and tell us through the privacy center.',
  ]),
});

export const complaintAnsweredMail = (
  r: { lodgedAt: string; outcome: 'completed' | 'refused' },
  origin: string,
): Omit<MailMessage, 'to'> => ({
  subject: 'We have answered your privacy complaint',
  ...body([
    'Hello,',
    r.outcome === 'completed'
      ? `Our compliance team has handled the complaint you made on ${day(r.lodgedAt)}.`
      : `Our compliance team has reviewed the complaint you made on ${day(r.lodgedAt)} and closed it without further action.`,
    `You can see its status in your privacy center: ${center(origin)}`,
    'If you are not satisfied with our answer, you have the right to complain to a data protection supervisory authority, in particular where you live or work, or where you think the problem happened.',
  ]),
});
