'use client';

import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

interface Filter {
  subjectId?: string;
  type?: string;
  streamPrefix?: string;
  correlationId?: string;
  from?: string;
  to?: string;
}

/** Downloads the events matching the current filter, verified first, as JSON or CSV for an auditor. */
export function ExportTrail({ filter }: { filter: Filter }) {
  const exp = api.compliance.exportTrail.useMutation({
    onSuccess: (file) => {
      const url = URL.createObjectURL(new Blob([file.body], { type: file.contentType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const v = exp.data?.verification;
  return (
    <section aria-labelledby="export-title" className="section-block">
      <h2 id="export-title">Export for an auditor</h2>
      <p>
        The events matching the filter above (up to 10 000, field names only), after verifying the log. The
        file names the signed checkpoint it was checked against and marks each event that checkpoint covers.
      </p>
      <p className="button-row tight">
        <button
          type="button"
          className="button secondary"
          disabled={exp.isPending}
          onClick={() => exp.mutate({ filter, format: 'csv' })}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={exp.isPending}
          onClick={() => exp.mutate({ filter, format: 'json' })}
        >
          Export JSON
        </button>
      </p>
      <div aria-live="polite">
        {exp.error ? (
          <p className="notice bad" role="alert">
            Could not export: {problemsOf(exp.error).message}
          </p>
        ) : exp.data ? (
          <p className="notice ok" data-testid="export-result">
            {exp.data.filename}: {exp.data.count} events;{' '}
            {v?.status === 'intact'
              ? `verified intact up to checkpoint ${v.treeSize} signed at ${v.signedAt}.`
              : v?.status === 'no_checkpoint'
                ? 'no signed checkpoint yet.'
                : `the log is broken (${v?.status === 'broken' ? v.problem : ''}): the file says so.`}
          </p>
        ) : null}
      </div>
    </section>
  );
}
