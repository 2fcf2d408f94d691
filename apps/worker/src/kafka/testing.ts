/* eslint-disable no-restricted-properties -- test tooling like the *.spec.ts files: reads KAFKA_BROKERS and CI. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The broker the Kafka tests use (`npm run kafka:start`), from KAFKA_BROKERS. */
export const TEST_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

/** CI is set: a missing broker must fail the run, never skip it. */
export const IS_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/** Whether a TCP connection to `host:port` opens within 1.5 s. */
export const tcpReachable = (address: string): Promise<boolean> =>
  new Promise((resolve) => {
    const host = address.slice(0, address.lastIndexOf(':'));
    const s = net.connect({ host, port: Number(address.split(':').pop()) });
    s.setTimeout(1500, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/** State folder of a broker the tests start on `port` (the jars are shared with `npm run kafka:start`'s). */
export const testBrokerDir = (port: number): string => path.join(REPO, `.kafka-test-${port}`);
/** Written into a self-started broker's folder: the test run (scripts/test-kafka.ts) that stops it. */
export const STARTED_BY_FILE = 'started-by-run';

const javaFound = (): boolean => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const isLocal = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

/**
 * Starts a single-node broker on the configured local port with `scripts/kafka.sh start` (the script behind
 * `npm run kafka:start`: fetches the jars with Maven once, formats, waits until it answers metadata). Test
 * files running at once share it (the script holds a lock; the second finds it running). Resolves to null
 * on success, else to why it could not.
 */
const startTestBroker = (host: string, port: number): Promise<string | null> =>
  new Promise((resolve) => {
    const dir = testBrokerDir(port);
    mkdirSync(dir, { recursive: true });
    const runId = process.env.TIA_TEST_RUN_ID;
    if (runId) writeFileSync(path.join(dir, STARTED_BY_FILE), runId);
    console.warn(
      `Kafka not reachable at ${host}:${port}: starting a broker for the tests (scripts/kafka.sh, ${dir}) …`,
    );
    const child = spawn('bash', [path.join(REPO, 'scripts/kafka.sh'), 'start'], {
      env: {
        ...process.env,
        KAFKA_PORT: String(port),
        KAFKA_DIR: dir,
        KAFKA_LIBS: process.env.KAFKA_LIBS ?? path.join(REPO, '.kafka/libs'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err = (err + s).slice(-4000);
    });
    child.on('error', (e) => resolve(`cannot run bash scripts/kafka.sh: ${e.message}`));
    child.on('close', (code) =>
      resolve(code === 0 ? null : `scripts/kafka.sh start failed (exit ${code}):\n${err.trim()}`),
    );
  });

/** Why no broker can be had for these tests, or null once one answers (started here if need be). */
const brokerProblem = async (): Promise<string | null> => {
  const first = TEST_BROKERS[0]!;
  if (await tcpReachable(first)) return null;
  const i = first.lastIndexOf(':');
  const host = first.slice(0, i);
  const port = Number(first.slice(i + 1));
  if (!isLocal(host) || TEST_BROKERS.length > 1)
    return `Kafka not reachable at ${TEST_BROKERS.join(',')}, and the tests only start a broker of their own on 127.0.0.1`;
  if (!javaFound())
    return (
      `Kafka not reachable at ${first} and Java is not installed, so the tests cannot start a broker: ` +
      '`sudo apt-get install openjdk-17-jre-headless maven` (Maven fetches the Kafka jars once), or point KAFKA_BROKERS at a broker'
    );
  if (
    !existsSync(path.join(REPO, '.kafka/libs')) &&
    spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0
  )
    return `Kafka not reachable at ${first}; Java is installed but Maven is not, and the Kafka jars have never been fetched: \`sudo apt-get install maven\``;
  const failed = await startTestBroker(host, port);
  if (failed) return failed;
  return (await tcpReachable(first)) ? null : `a broker was started on ${first} but does not answer`;
};

let problem: Promise<string | null> | undefined;

/**
 * Whether the Kafka tests of this file are skipped. No broker answering on KAFKA_BROKERS (default
 * 127.0.0.1:9092) and Java present: a broker is started on that port for the run (stopped by
 * scripts/test-kafka.ts after it). Otherwise they skip, saying why and what to install — except with CI set,
 * where this throws: a missing broker fails the run loudly, never skips it.
 */
export const skipKafkaTests = async (what: string): Promise<boolean> => {
  problem ??= brokerProblem();
  const why = await problem;
  if (!why) return false;
  if (IS_CI) throw new Error(`CI is set and no Kafka broker is available for ${what}: ${why}`);
  console.warn(`SKIPPED ${what}: ${why}. (With CI set, this fails the run instead.)`);
  return true;
};
