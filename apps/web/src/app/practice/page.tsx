import type { Metadata } from 'next';
import { StartForm } from './start-form';

export const metadata: Metadata = { title: 'Practise an interview', robots: { index: false } };

export default function PracticePage() {
  return (
    <div className="container section narrow-page">
      <StartForm />
    </div>
  );
}
