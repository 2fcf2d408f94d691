/**
 * The `trpc_query` benchmark's "before" (`scripts/bench.ts`): the web app as server.ts ran it until issue 14's
 * change — every request, `/api/trpc` included, handed to Next (its route `app/api/trpc/[trpc]/route.ts`, behind
 * the proxy and Next's compression), with the client address stamped first. Same build, same environment.
 *   (cwd apps/web) tsx ../../scripts/lib/next-route-server.ts <port>   → prints `listening <port>`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stampClientAddress } from '@tia/api/client-ip';

// Loaded from apps/web at run time, not imported: importing `next` here would pull Next's global types (its
// `ProcessEnv` with a required NODE_ENV) into every script the root tsconfig checks.
type NextApp = {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};
const next = createRequire(path.join(process.cwd(), 'package.json'))('next') as (o: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
}) => NextApp;

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
