/**
 * Creates the first admin: `npm run admin:bootstrap -- --email ops@example.org --name "Ops Admin"`.
 * Prints a strong random one-time password (shown once, stored only as an argon2id hash), grants `admin`
 * (granted by `bootstrap`), and requires TOTP enrolment at first sign-in. Refuses when an admin exists.
 */
import { parseArgs } from 'node:util';
import { createSql, parseMasterKey, parseSecret32 } from '@tia/db';
import { identity } from '@tia/domain';
import { bootstrapAdmin } from '../staff/first-admin.js';
import { loadCliEnv } from './env.js';

const main = async () => {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.email || !values.name) {
    process.stderr.write('usage: npm run admin:bootstrap -- --email <address> --name "<full name>"\n');
    process.exitCode = 2;
    return;
  }
  const env = loadCliEnv();
  const sql = createSql(env.DATABASE_URL, { max: 2, applicationName: 'tia-admin-bootstrap' });
  try {
    const { userId, password } = await bootstrapAdmin(
      sql,
      {
        masterKey: parseMasterKey(env.MASTER_KEY),
        authSecret: parseSecret32('AUTH_SECRET', env.AUTH_SECRET),
      },
      { email: values.email, name: values.name },
    );
    process.stdout.write(
      [
        `Admin account created for ${identity.normaliseEmail(values.email)} (user ${userId}).`,
        `One-time password (shown only now): ${password}`,
        'Sign in with it, then set up two-factor authentication (required before any staff page) and change the password.',
        '',
      ].join('\n'),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`admin:bootstrap failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
