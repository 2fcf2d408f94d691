import type { Metadata } from 'next';
import Link from 'next/link';
import { PolicyRevisionLine } from '../../../components/policy-notice';
import { RequestQueue } from './request-queue';

export const metadata: Metadata = { title: 'Privacy requests', robots: { index: false } };

export default function RequestsPage() {
  return (
    <div className="container section">
      <span className="eyebrow">Compliance</span>
      <h1>Privacy requests</h1>
      <p className="lead">
        Every right a person exercised, with the date we received it and the date it is due (one calendar
        month later). Most are carried out at once by the product; the rest, such as complaints, wait here
        until you mark them handled. Open requests past their due date are highlighted.
      </p>
      <p className="fine-print">
        <PolicyRevisionLine prefix="Privacy notice in force:" /> (
        <Link href="/compliance/policy">revisions</Link>)
      </p>
      <RequestQueue />
    </div>
  );
}
