import { overdueAudio, RecordingId, recordingLifecycle } from '../compliance/lifecycle.js';
import { procedure, router } from '../trpc.js';

const officers = () => procedure({ kind: 'role', roles: ['compliance_officer'], mfa: true });

/** Recording lifecycle from the event log: times only, never audio or transcript content. */
export const lifecycleRouter = router({
  recording: officers()
    .input(RecordingId)
    .query(async ({ ctx, input }) =>
      recordingLifecycle(ctx.services.sql, ctx.services.clock(), input.recordingId),
    ),
  overdueAudio: officers().query(async ({ ctx }) => overdueAudio(ctx.services.sql, ctx.services.clock())),
});
