/**
 * The `trpc_query` benchmark's "before" (`scripts/bench.ts`): the web app as server.ts ran it until issue 14's
 * change — every request, `/api/trpc` included, handed to Next (its route `app/api/trpc/[trpc]/route.ts`, behind
 * the proxy and Next's compression), with the client address stamped first. Same build, same environment.
 *   (cwd apps/web) tsx ../../scripts/lib/next-route-server.ts <port>   → prints `listening <port>`
 */
import { createServer } from 'node:http';
import next from 'next';
import { stampClientAddress } from '@tia/api/client-ip';

const port = Number(process.argv[2]);
const app = next({ dev: false, dir: process.cwd(), hostname: '127.0.0.1', port });
await app.prepare();
const handle = app.getRequestHandler();
const server = createServer((req, res) => {
  stampClientAddress(req.headers, req.socket.remoteAddress, 0);
  void handle(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
