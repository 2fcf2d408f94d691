'use client';

import { useRouter } from 'next/navigation';
import { api } from '../../../components/auth/api';
import { nextStepAfterSignIn } from '../../../components/auth/next-step';
import { ChangePassword } from '../account-view';

/** Replacing a one-time password (or any password), then on to the next step (e.g. staff: set up 2FA). */
export function SetPassword() {
  const router = useRouter();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery(undefined, { retry: false });
  const forced = me.data?.passwordChangeRequired ?? false;
  return (
    <ChangePassword
      title={forced ? 'Choose your own password' : 'Change password'}
      intro={
        forced
          ? 'You signed in with a one-time password. Enter it as your current password, then choose a new one. Nothing else works until you do.'
          : 'Changing your password signs you out everywhere else.'
      }
      onChanged={async () => {
        await utils.auth.me.invalidate();
        const next = await utils.auth.me.fetch();
        router.push(next ? nextStepAfterSignIn(next) : '/signin');
      }}
    />
  );
}
