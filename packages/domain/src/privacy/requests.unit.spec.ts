import { describe, expect, it } from 'vitest';
import { dueDate } from './requests.js';

describe('privacy request due date (received + 1 calendar month)', () => {
  it('adds one calendar month at the same UTC time', () => {
    expect(dueDate('2026-12-07T15:30:00.000Z')).toBe('2027-01-07T15:30:00.000Z');
    expect(dueDate('2026-03-15T00:00:00.000Z')).toBe('2026-04-15T00:00:00.000Z');
  });
  it('clamps to the last day of a shorter month, leap years included', () => {
    expect(dueDate('2027-01-31T09:00:00.000Z')).toBe('2027-02-28T09:00:00.000Z');
    expect(dueDate('2028-01-31T09:00:00.000Z')).toBe('2028-02-29T09:00:00.000Z');
    expect(dueDate('2026-08-31T23:59:59.000Z')).toBe('2026-09-30T23:59:59.000Z');
  });
});
