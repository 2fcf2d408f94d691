/**
 * Vitest globalSetup of the `int` project: stops, after the run, a Kafka broker that the Kafka tests started
 * for this run (`skipKafkaTests` in apps/worker/src/kafka/testing.ts starts one with scripts/kafka.sh when
 * nothing answers on KAFKA_BROKERS and Java is present). A broker someone else started is never touched:
 * only folders marked with this run's id are stopped.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export default function setup(): () => void {
  const runId = randomUUID();
  process.env.TIA_TEST_RUN_ID = runId; // inherited by the test workers
  return () => {
    for (const name of readdirSync(REPO)) {
      const m = /^\.kafka-test-(\d{1,5})$/.exec(name);
      if (!m) continue;
      const dir = path.join(REPO, name);
      let owner = '';
      try {
        owner = readFileSync(path.join(dir, 'started-by-run'), 'utf8').trim();
      } catch {
        continue;
      }
      if (owner !== runId) continue;
      const r = spawnSync('bash', [path.join(REPO, 'scripts/kafka.sh'), 'stop'], {
        env: { ...process.env, KAFKA_DIR: dir, KAFKA_PORT: m[1] },
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      });
      console.warn(
        `[test-kafka] stopped the broker the tests started on port ${m[1]}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`,
      );
    }
  };
}
