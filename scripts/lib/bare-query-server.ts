/**
 * The `trpc_query` benchmark's baseline (`scripts/bench.ts`): a bare `node:http` server answering every request
 * with exactly what `privacy.processing` answers — the same use case (`processingNotice`: the same SQL, the same
 * shaping), on a pool of the same size, as the same JSON body (`{"result":{"data":…}}`, uncompressed) — in a
 * process of its own like the web server. What it leaves out is the web server's per-request work: routing, the
 * security headers and CSRF check, the tRPC adapter, the context, the access-log line.
 *   tsx scripts/lib/bare-query-server.ts <database url>   → prints `listening <port>`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processingNotice } from '@tia/api';
import { createSql } from '@tia/db';
import { retention } from '@tia/domain';

const url = process.argv[2];
if (!url) throw new Error('usage: bare-query-server.ts <database url>');
const sql = createSql(url, { max: 10, applicationName: 'tia-bench-bare' });
const server = createServer((_req, res) => {
  processingNotice(sql, retention.DEFAULT_RETENTION).then(
    (data) => {
      const body = JSON.stringify({ result: { data } });
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
