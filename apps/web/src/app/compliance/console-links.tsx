import Link from 'next/link';

/** The compliance console's pages, shown at the top of each. */
export function ConsoleLinks() {
  return (
    <nav aria-label="Compliance console" className="button-row tight">
      <Link href="/compliance/trail">Audit trail</Link>
      <Link href="/compliance/breaches">Breaches</Link>
      <Link href="/compliance/registers">Registers</Link>
      <Link href="/compliance/policy">Privacy notice</Link>
      <Link href="/compliance/recordings">Recording lifecycle</Link>
      <Link href="/compliance/dependencies">Dependencies</Link>
      <Link href="/compliance/alerts">Security alerts</Link>
    </nav>
  );
}
