'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MAX_BATCH_SIZE, mustNotBatch } from '@tia/api/batching';
import { httpBatchLink, httpLink, splitLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import { trpc } from './client';

/** One QueryClient + tRPC client per browser tab (created lazily so the server never shares one). */
export function TRPCProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: true } },
      }),
  );
  const [trpcClient] = useState(() =>
    trpc.createClient({
      // Sign-in, codes, MFA and health go one call per request (the server refuses them in a batch).
      links: [
        splitLink({
          condition: (op) => mustNotBatch(op.path),
          true: httpLink({ url: '/api/trpc' }),
          false: httpBatchLink({ url: '/api/trpc', maxItems: MAX_BATCH_SIZE }),
        }),
      ],
    }),
  );
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
