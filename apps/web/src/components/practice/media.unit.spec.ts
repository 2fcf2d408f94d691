import { describe, expect, it } from 'vitest';
import {
  cameraProblem,
  formatBytes,
  formatClock,
  recordedSeconds,
  secondsLeft,
  shouldAutoStop,
} from './media';

describe('answer time limit', () => {
  it('stops a recording exactly when the limit is reached, not before', () => {
    expect(shouldAutoStop(0, 30)).toBe(false);
    expect(shouldAutoStop(29_999, 30)).toBe(false);
    expect(shouldAutoStop(30_000, 30)).toBe(true);
    expect(shouldAutoStop(30_200, 30)).toBe(true);
    expect(shouldAutoStop(119_800, 120)).toBe(false);
    expect(shouldAutoStop(120_000, 120)).toBe(true);
    expect(shouldAutoStop(300_000, 300)).toBe(true);
  });

  it('never stops on a missing or nonsensical limit (the server still enforces its own)', () => {
    expect(shouldAutoStop(10_000_000, 0)).toBe(false);
    expect(shouldAutoStop(10_000_000, -5)).toBe(false);
    expect(shouldAutoStop(10_000_000, Number.NaN)).toBe(false);
    expect(shouldAutoStop(10_000_000, Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('a 200 ms tick stops within one tick of the limit, well inside the upload allowance (limit + 5 s)', () => {
    for (const limit of [30, 120, 300]) {
      let ms = 0;
      while (!shouldAutoStop(ms, limit)) ms += 200;
      expect(ms).toBeGreaterThanOrEqual(limit * 1000);
      expect(ms).toBeLessThan(limit * 1000 + 200);
      expect(recordedSeconds(ms)).toBeLessThanOrEqual(limit + 5);
    }
  });

  it('counts the seconds left down to zero, never below', () => {
    expect(secondsLeft(0, 30)).toBe(30);
    expect(secondsLeft(100, 30)).toBe(30);
    expect(secondsLeft(20_001, 30)).toBe(10);
    expect(secondsLeft(29_500, 30)).toBe(1);
    expect(secondsLeft(30_000, 30)).toBe(0);
    expect(secondsLeft(45_000, 30)).toBe(0);
    expect(secondsLeft(-1_000, 30)).toBe(30);
  });

  it('reports the duration to one decimal', () => {
    expect(recordedSeconds(8_049)).toBe(8);
    expect(recordedSeconds(8_051)).toBe(8.1);
    expect(recordedSeconds(-3)).toBe(0);
  });
});

describe('formatting', () => {
  it('formats clocks as m:ss', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(8.9)).toBe('0:08');
    expect(formatClock(120)).toBe('2:00');
    expect(formatClock(-4)).toBe('0:00');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(48_722)).toBe('47.6 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MB');
  });
});

describe('camera problems in plain words', () => {
  it('names a refused permission as blocked', () => {
    const p = cameraProblem(new DOMException('Permission denied', 'NotAllowedError'));
    expect(p.title).toBe('Camera and microphone access was blocked.');
    expect(p.detail).toMatch(/Allow this site/);
  });

  it('tells a missing device from a busy one', () => {
    expect(cameraProblem(new DOMException('x', 'NotFoundError')).title).toMatch(/No camera or microphone/);
    expect(cameraProblem(new DOMException('x', 'NotReadableError')).title).toMatch(/busy/);
    expect(cameraProblem(new Error('boom')).detail).toBe('boom');
    expect(cameraProblem('??').title).toBe('The camera could not be started.');
  });
});
