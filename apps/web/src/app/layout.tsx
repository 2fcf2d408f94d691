// Global styles first: every CSS module (layout components, pages) comes after them and wins a tie, as the
// sections did when they were further down the one global stylesheet.
import './globals.css';
import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { CookieBanner, CookieSettingsLink } from '../components/cookie-banner';
import { LogoMark } from '../components/logo';
import { PolicyChangeNotice, PolicyRevisionLine } from '../components/policy-notice';
import { SiteNav } from '../components/nav';
import { SITE } from '../site';
import { TRPCProvider } from '../trpc/provider';
import styles from '../components/site-chrome.module.css';

export const metadata: Metadata = {
  title: { default: `${SITE.name} — ${SITE.tagline}`, template: `%s · ${SITE.name}` },
  description:
    'Rehearse job interviews out loud and get structured feedback. Your video never leaves your browser; your audio is deleted as soon as it is transcribed.',
  referrer: 'strict-origin-when-cross-origin',
  robots: { index: true, follow: true },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#fbfaf7',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: the CSP nonce is fresh for each response.
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        <TRPCProvider>
          <header className={styles.siteHeader}>
            <div className="container">
              <Link className={styles.brand} href="/">
                <LogoMark />
                <span>
                  TrueInterview<span className={styles.brandAi}>AI</span>
                </span>
              </Link>
              <SiteNav />
            </div>
          </header>
          <CookieBanner />
          <PolicyChangeNotice />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
          <footer className={styles.siteFooter}>
            <div className="container">
              <p>
                © {new Date().getFullYear()} {SITE.name}. <PolicyRevisionLine />.
              </p>
              <nav aria-label="Footer">
                <ul>
                  <li>
                    <Link href="/privacy">Privacy notice</Link>
                  </li>
                  <li>
                    <Link href="/privacy#cookies">Cookies</Link>
                  </li>
                  <li>
                    <CookieSettingsLink />
                  </li>
                  <li>
                    <Link href="/privacy#rights">Your rights</Link>
                  </li>
                  <li>
                    <Link href="/status">System status</Link>
                  </li>
                </ul>
              </nav>
            </div>
          </footer>
        </TRPCProvider>
      </body>
    </html>
  );
}
