'use client';

import { useState } from 'react';
import { api } from './auth/api';
import { FormShell, useFormProblems } from './form-shell';
import { Field } from './forms';

/**
 * Report an account we believe belongs to someone under 16 (P33). Used on the public page and in the signed-in
 * privacy center; the same answer comes back whether or not an account uses the address.
 */
export function ReportMinor({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const form = useFormProblems();
  const [email, setEmail] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const report = api.privacy.reportMinor.useMutation({
    onSuccess: (r) => {
      setDone(r.message);
      setEmail('');
    },
    onError: form.fail,
  });
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="card" aria-labelledby="report-minor-title">
      <Heading id="report-minor-title">Report a user under 16</Heading>
      <p>
        TrueInterviewAI is not for anyone under 16. If you believe an account belongs to a child, give us the
        email address it uses. Our compliance team reviews every report and, if it is right, erases the
        account and everything in it.
      </p>
      <FormShell
        label="Report a user under 16"
        form={form}
        fieldIds={{ email: 'report-minor-email' }}
        pending={report.isPending}
        submitLabel="Send report"
        onSubmit={() => {
          setDone(null);
          report.mutate({ email });
        }}
        after={
          <p role="status" className="fine-print">
            {done ?? ''}
          </p>
        }
      >
        <Field
          id="report-minor-email"
          name="email"
          type="email"
          label="Email address of the account"
          maxLength={320}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
        />
      </FormShell>
    </section>
  );
}
