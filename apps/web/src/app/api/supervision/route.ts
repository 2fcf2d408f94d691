import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { serverEnv } from '../../../env';

export const dynamic = 'force-dynamic';

const Supervision = z.object({
  updatedAt: z.string().max(40),
  processes: z
    .array(
      z.object({
        name: z.string().max(40),
        up: z.boolean(),
        restarts: z.number().int().min(0),
        lastExit: z.string().max(300).nullable(),
        lastRestartAt: z.string().max(40).nullable(),
      }),
    )
    .max(20),
});
export type SupervisionReport = { supervised: false } | ({ supervised: true } & z.infer<typeof Supervision>);

/**
 * Processes `npm start` keeps running and how often it restarted them (from `<DATA_DIR>/supervision.json`,
 * written by scripts/start.ts). Names, counts and exit codes only: nothing about people.
 */
export async function GET(): Promise<Response> {
  let body: SupervisionReport = { supervised: false };
  try {
    const file = path.resolve(serverEnv().DATA_DIR, 'supervision.json');
    const parsed = Supervision.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) body = { supervised: true, ...parsed.data };
  } catch {
    // not started by `npm start` (or no restart information yet)
  }
  return Response.json(body, { headers: { 'cache-control': 'no-store' } });
}
