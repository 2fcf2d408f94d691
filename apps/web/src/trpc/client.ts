import type { AppRouter } from '@tia/api';
import { createTRPCReact } from '@trpc/react-query';

/** Typed React hooks for the API (`trpc.system.health.useQuery()`). */
export const trpc = createTRPCReact<AppRouter>();
