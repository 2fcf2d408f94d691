/**
 * The `trpc_query` benchmark's baseline (`scripts/bench.ts`): a bare `node:http` server answering every request
 * with what `privacy.processing` reads — the same SQL (`loadRegisters(sql, 'processing')`) on a pool of the same
 * size — as JSON, in a process of its own like the web server.
 *   tsx scripts/lib/bare-query-server.ts <database url>   → prints `listening <port>`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSql, loadRegisters } from '@tia/db';

const url = process.argv[2];
if (!url) throw new Error('usage: bare-query-server.ts <database url>');
const sql = createSql(url, { max: 10, applicationName: 'tia-bench-bare' });
const server = createServer((_req, res) => {
  loadRegisters(sql, 'processing').then(
    (entries) => {
      const body = JSON.stringify({ result: { data: entries } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    () => {
      res.writeHead(503);
      res.end();
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => void sql.end().then(() => process.exit(0))));
