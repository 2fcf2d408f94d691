/**
 * The web app's HTTP server: Next.js behind a few lines of plain Node, so the one thing Next's request objects
 * cannot tell us — the socket's peer address — reaches the app. Before Next sees a request, the client address
 * is resolved (`TRUSTED_PROXIES`: how many proxies of ours stand in front; 0 = none, use the socket) and
 * stamped into an internal header, after removing any copy the client sent (and, with no trusted proxy, every
 * forwarded-address header). `apps/web/src/server/request.ts` reads only that header.
 * `/api/trpc/*` is answered here, without Next (`src/server/trpc-node.ts`: same router, context, checks and
 * headers as Next's route behind the proxy; see `docs/performance.md`, `trpc_query`); everything else goes to Next.
 *
 *   node --import tsx server.ts [-p PORT] [-H HOST]      (PORT / HOST / TRUSTED_PROXIES: src/env.ts)
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { stampClientAddress } from '@tia/api/client-ip';
import { devMailboxProblem } from '@tia/api/mail-guard';
import { listenEnv, mailGuardEnv } from './src/env';
import { createTrpcNodeHandler, trpcPathOf } from './src/server/trpc-node';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

// Never the dev mailbox (plaintext .eml files) in production: refuse before listening.
const mailProblem = devMailboxProblem(mailGuardEnv());
if (mailProblem) {
  console.error(JSON.stringify({ level: 'error', service: 'web', msg: mailProblem }));
  process.exit(1);
}

const env = listenEnv();
const trustedProxies = env.TRUSTED_PROXIES;
const port = Number(arg('-p') ?? env.PORT);
const host = arg('-H') ?? env.HOST;
const dir = path.dirname(fileURLToPath(import.meta.url));

const app = next({ dev: false, dir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();

const trpc = createTrpcNodeHandler();

const server = createServer((req, res) => {
  stampClientAddress(req.headers, req.socket.remoteAddress, trustedProxies);
  const trpcPath = trpcPathOf(req.url);
  if (trpcPath !== null) trpc(req, res, trpcPath);
  else void handle(req, res);
});
server.listen(port, host, () => {
  console.log(
    JSON.stringify({
      level: 'info',
      service: 'web',
      msg: 'web server listening',
      url: `http://${host}:${port}`,
      trustedProxies,
    }),
  );
});

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
