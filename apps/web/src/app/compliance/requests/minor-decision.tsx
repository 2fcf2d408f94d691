'use client';

import { useState } from 'react';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

/**
 * A report of a suspected under-16 user (P33): the officer confirms (the account is erased with reason
 * "minor", every session ends, the request is closed) or dismisses it (closed, refused). Confirming asks twice.
 */
export function MinorDecision({ requestId, onDone }: { requestId: string; onDone: () => void }) {
  const [sure, setSure] = useState(false);
  const decide = api.compliance.decideMinorReport.useMutation({ onSuccess: onDone });
  return (
    <span>
      {sure ? (
        <button
          type="button"
          className="button danger small"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ requestId, decision: 'confirm' })}
        >
          Yes, erase the account (reason: minor)
        </button>
      ) : (
        <button type="button" className="button small" onClick={() => setSure(true)}>
          Confirm → erase with reason minor
        </button>
      )}{' '}
      <button
        type="button"
        className="button secondary small"
        disabled={decide.isPending}
        onClick={() => decide.mutate({ requestId, decision: 'dismiss' })}
      >
        Dismiss
      </button>
      {decide.error ? <span role="alert">{problemsOf(decide.error).message}</span> : null}
    </span>
  );
}
