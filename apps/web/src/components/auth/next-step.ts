import { STAFF_ROLES } from './access-needed';

/** Where a signed-in person goes next: a one-time password first, then staff second-factor set-up or check. */
export function nextStepAfterSignIn(me: {
  roles: readonly string[];
  mfaEnrolled: boolean;
  mfaPassed: boolean;
  passwordChangeRequired: boolean;
  profileComplete: boolean;
  emailVerified: boolean;
  email: string;
}): string {
  const staff = me.roles.some((r) => STAFF_ROLES.includes(r));
  if (me.passwordChangeRequired) return '/account/password';
  if (staff && !me.mfaEnrolled) return '/mfa/enrol';
  if ((staff || me.mfaEnrolled) && !me.mfaPassed) return '/mfa';
  if (!me.emailVerified) return `/verify?email=${encodeURIComponent(me.email)}`;
  if (!me.profileComplete) return '/welcome';
  return '/account';
}
