import { describe, expect, it } from 'vitest';
import { reconnectDelaySeconds } from './sql.js';

describe('reconnectDelaySeconds (the pool while the database is unreachable)', () => {
  it('starts short, grows, and never waits more than 2 s (postgres.js alone waits up to 20 s)', () => {
    for (let i = 0; i < 200; i++) {
      expect(reconnectDelaySeconds(0)).toBeLessThanOrEqual(0.05);
      expect(reconnectDelaySeconds(3)).toBeLessThanOrEqual(0.4);
      for (const failures of [5, 8, 20, 1000]) {
        const d = reconnectDelaySeconds(failures);
        expect(d).toBeGreaterThan(0);
        expect(d).toBeLessThanOrEqual(2);
      }
    }
    expect(Math.max(...Array.from({ length: 200 }, () => reconnectDelaySeconds(30)))).toBeGreaterThan(1.5);
  });
});
