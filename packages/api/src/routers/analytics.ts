import type { Context } from '../context.js';
import { ANALYST, catalog, DEFAULT_ANALYTICS, figureInput, runFigure } from '../analytics/service.js';
import { procedure, router } from '../trpc.js';

const settingsOf = (ctx: Context) => ctx.analytics ?? DEFAULT_ANALYTICS;

/** The analyst workspace (docs/analytics.md): analysts with TOTP only. */
export const analyticsRouter = router({
  /** Measures, dimensions, bins, k and the caller's privacy budget. */
  catalog: procedure(ANALYST).query(({ ctx }) => catalog(ctx.services, ctx.session.userId, settingsOf(ctx))),

  /** One figure, suppressed (and noised when configured); recorded as an `AnalyticsQueried` event. */
  figure: procedure(ANALYST)
    .input(figureInput)
    .query(({ ctx, input }) =>
      runFigure(
        ctx.services,
        { userId: ctx.session.userId, requestId: ctx.requestId },
        input,
        settingsOf(ctx),
      ),
    ),
});
