/* eslint-disable no-restricted-properties -- test tooling like the *.spec.ts files: reads KAFKA_BROKERS and CI. */
import { spawnSync } from 'node:child_process';
import net from 'node:net';

/** The broker the Kafka tests use (`npm run kafka:start`), from KAFKA_BROKERS. */
export const TEST_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

/** CI is set: a missing broker must fail the run, never skip it. */
export const IS_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/** Whether a TCP connection to `host:port` opens within 1.5 s. */
export const tcpReachable = (address: string): Promise<boolean> =>
  new Promise((resolve) => {
    const host = address.slice(0, address.lastIndexOf(':'));
    const s = net.connect({ host, port: Number(address.split(':').pop()) });
    s.setTimeout(1500, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/** Kafka tests skip only when no broker answers AND CI is not set. */
export const skipKafkaTests = async (what: string): Promise<boolean> => {
  const up = await tcpReachable(TEST_BROKERS[0]!);
  if (!up && !IS_CI) {
    const java = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
    console.warn(
      `Kafka not reachable at ${TEST_BROKERS.join(',')}: ${what} skipped. ` +
        (java
          ? 'Start a broker with `npm run kafka:start` (Java found; fetches the jars with Maven once).'
          : 'Java is not installed: `sudo apt-get install openjdk-17-jre-headless maven`, then `npm run kafka:start`.') +
        ' (With CI set, a missing broker fails the run instead.)',
    );
  }
  return !up && !IS_CI;
};
