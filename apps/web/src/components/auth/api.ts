import { trpc } from '../../trpc/client';

/** The tRPC hooks the identity pages use (the app's one client; procedures per docs/identity-contract.md). */
export const api = trpc;
