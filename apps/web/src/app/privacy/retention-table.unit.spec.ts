import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { registers, retention } from '@tia/domain';
import { RetentionTable } from './retention-table';

const render = (c: retention.RetentionConfig) =>
  renderToStaticMarkup(createElement(RetentionTable, { rows: retention.retentionRows(c) }));

describe("the notice's retention table (P18)", () => {
  it('renders every category from the configuration: the defaults', () => {
    const html = render(retention.DEFAULT_RETENTION);
    expect(html).toContain('Practice sessions, transcripts, scores and feedback');
    expect(html).toContain('24 months after the session');
    expect(html).toContain(
      'After 24 months without a sign-in or practice we erase it, with an email 30 days before',
    );
    expect(html).toContain('90 days, then made unreadable');
    expect(html).toContain('never more than 30 minutes');
    expect(html).toContain('24 hours after they are ready');
    expect(html).toContain('36 months after the request was answered, then deleted');
    expect(html.match(/<tr>/g)).toHaveLength(1 + retention.retentionRows(retention.DEFAULT_RETENTION).length);
  });

  it('changes when the configuration changes (overridden by the environment), never written a second time', () => {
    const env = retention.retentionEnvSchema.parse({
      RETENTION_PRACTICE_MONTHS: '6',
      RETENTION_INACTIVE_ACCOUNT_MONTHS: '12',
      RETENTION_WARNING_DAYS: '14',
      TECHNICAL_DATA_RETENTION_DAYS: '30',
      AUDIO_MAX_AGE_MINUTES: '1',
      RETENTION_PRIVACY_REQUEST_MONTHS: '60',
    });
    const html = render(retention.retentionConfigOf(env));
    expect(html).toContain('6 months after the session');
    expect(html).toContain(
      'After 12 months without a sign-in or practice we erase it, with an email 14 days before',
    );
    expect(html).toContain('30 days, then made unreadable');
    expect(html).toContain('never more than 1 minute,');
    expect(html).toContain('60 months after the request was answered');
    expect(html).not.toContain('36 months');
    expect(html).not.toContain('24 months');
  });

  it('refuses a warning longer than the inactivity period, and out-of-range values', () => {
    const env = retention.retentionEnvSchema.parse({
      RETENTION_INACTIVE_ACCOUNT_MONTHS: '3',
      RETENTION_WARNING_DAYS: '90',
    });
    expect(retention.retentionConfigProblems(env)).toEqual([
      'RETENTION_WARNING_DAYS must be shorter than RETENTION_INACTIVE_ACCOUNT_MONTHS',
    ]);
    expect(retention.retentionEnvSchema.safeParse({ RETENTION_PRACTICE_MONTHS: '0' }).success).toBe(false);
  });

  it('computes cut-offs in calendar months from the time passed in', () => {
    const c = retention.retentionCutoffs(retention.DEFAULT_RETENTION, new Date('2028-03-31T12:00:00.000Z'));
    expect(c.practiceStartedBefore.toISOString()).toBe('2026-03-31T12:00:00.000Z');
    expect(c.accountActiveBefore.toISOString()).toBe('2026-03-31T12:00:00.000Z');
    expect(c.warnActiveBefore.toISOString()).toBe('2026-04-30T12:00:00.000Z');
    expect(c.warnedBefore.toISOString()).toBe('2028-03-01T12:00:00.000Z');
    expect(c.requestClosedBefore.toISOString()).toBe('2025-03-31T12:00:00.000Z');
    expect(retention.addMonths(new Date('2028-03-31T00:00:00.000Z'), -1).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it("fills the records of processing's retention column from the same configuration", () => {
    const c = retention.retentionConfigOf(
      retention.retentionEnvSchema.parse({ RETENTION_PRACTICE_MONTHS: '6' }),
    );
    const columns = registers.DEFAULT_REGISTER.flatMap((e) =>
      e.register === 'processing' ? [retention.expandRetention(e.fields.retention, c)] : [],
    );
    expect(columns.join(' ')).not.toContain('{retention:');
    expect(
      columns.some((t) => t.includes('Transcripts, scores and feedback: 6 months after the session')),
    ).toBe(true);
    expect(retention.expandRetention('{retention:nope} stays', c)).toBe('{retention:nope} stays');
  });
});
