import type { Handler } from '../transport/port.js';

/** The pipeline probe: proves events flow store → transport → handler (health and latency benchmark). */
export const diagnosticsHandler: Handler<unknown, 'DiagnosticPinged'> = {
  name: 'diagnostics',
  types: ['DiagnosticPinged'],
  handle: async (event, ctx) => {
    ctx.log.debug('ping handled', {
      pingId: event.data.pingId,
      lagMs: Date.now() - event.recordedAt.getTime(),
    });
    return Promise.resolve();
  },
};
