import type { Projection } from '../projections.js';
import { streamCategory } from '../event-store.js';

/** Events per type per day (UTC): the usage record without anyone in it. */
export const activityProjection: Projection = {
  name: 'activity_daily',
  tables: ['rm_activity_daily'],
  readsData: false,
  apply: async (tx, events, t) => {
    const counts = new Map<string, { day: string; category: string; type: string; n: number }>();
    for (const e of events) {
      const day = e.recordedAt.toISOString().slice(0, 10);
      const k = `${day}|${e.type}`;
      const c = counts.get(k) ?? { day, category: streamCategory(e.streamId), type: e.type, n: 0 };
      c.n++;
      counts.set(k, c);
    }
    const rows = [...counts.values()].map((c) => ({
      day: c.day,
      category: c.category,
      type: c.type,
      events: c.n,
    }));
    await tx`
      insert into ${tx(t('rm_activity_daily'))} ${tx(rows, 'day', 'category', 'type', 'events')}
      on conflict (day, type) do update set events = ${tx(t('rm_activity_daily'))}.events + excluded.events`;
  },
};
