import { trpc } from '../../trpc/client';

/** tRPC hooks for the practice pages (`practiceApi.session.useQuery(…)`); procedures per docs/practice.md. */
export const practiceApi = trpc.practice;
/** For cache invalidation: `usePracticeUtils().session.invalidate()`. */
export const usePracticeUtils = () => trpc.useUtils().practice;
