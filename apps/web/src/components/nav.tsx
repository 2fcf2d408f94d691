'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { api } from './auth/api';
import styles from './site-chrome.module.css';

const LINKS = [
  { href: '/', label: 'Home' },
  { href: '/privacy', label: 'Privacy' },
  { href: '/status', label: 'Status' },
] as const;

export function SiteNav() {
  const pathname = usePathname();
  const me = api.auth.me.useQuery(undefined, { retry: false, staleTime: 30_000 });
  const signedIn = Boolean(me.data);
  const candidate = Boolean(me.data?.roles.includes('candidate'));
  const practice: { href: string; label: string }[] = candidate
    ? [
        { href: '/practice', label: 'Practice' },
        { href: '/practice/history', label: 'History' },
      ]
    : [];
  if (me.data?.roles.includes('analyst')) practice.push({ href: '/analytics', label: 'Analytics' });
  if (me.data?.roles.includes('compliance_officer'))
    practice.push(
      { href: '/compliance/trail', label: 'Audit trail' },
      { href: '/compliance/requests', label: 'Requests' },
      { href: '/compliance/breaches', label: 'Breaches' },
    );
  const account = signedIn ? { href: '/account', label: 'Account' } : { href: '/signin', label: 'Sign in' };
  return (
    <nav className={styles.siteNav} aria-label="Main">
      <ul>
        {LINKS.map((l) => (
          <li key={l.href}>
            <Link href={l.href} aria-current={pathname === l.href ? 'page' : undefined}>
              {l.label}
            </Link>
          </li>
        ))}
        {practice.map((l) => (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={
                pathname === l.href ||
                (l.href === '/practice' &&
                  pathname.startsWith('/practice/') &&
                  !pathname.startsWith('/practice/history'))
                  ? 'page'
                  : undefined
              }
            >
              {l.label}
            </Link>
          </li>
        ))}
        <li>
          <Link
            href={account.href}
            className="nav-account"
            data-testid="nav-account"
            aria-current={pathname === account.href ? 'page' : undefined}
          >
            {account.label}
          </Link>
        </li>
      </ul>
    </nav>
  );
}
