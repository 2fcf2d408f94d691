/** Public facts about the service shown on pages. Contact details are placeholders until legal confirms them. */
export const SITE = {
  name: 'TrueInterviewAI',
  tagline: 'Interview practice you can trust with your voice',
  privacyEmail: 'privacy@trueinterview.example',
  supportEmail: 'support@trueinterview.example',
  postalAddress: 'TrueInterviewAI, Data Protection, [registered address to be confirmed]',
} as const;
