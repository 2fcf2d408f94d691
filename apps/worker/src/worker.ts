import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  acquireWakeup,
  asInline,
  ASYNC_PROJECTIONS,
  INLINE_PROJECTIONS,
  createPersistence,
  createSql,
  recordCapability,
  healthReport,
  migrateOrVerify,
  parseMasterKey,
  runProjection,
  sealChain,
  sleep,
  sweepExports,
  type Logger,
} from '@tia/db';
import type { WorkerEnv } from './env.js';
import { EmbeddedTransport } from './transport/embedded.js';
import { KafkaTransport } from './transport/kafka.js';
import type { Handler, Transport } from './transport/port.js';
import { diagnosticsHandler } from './handlers/diagnostics.js';
import { privacyExportHandler } from './handlers/privacy-export.js';
import { privacyOutcomeMailHandler } from './handlers/privacy-outcome-mail.js';
import { createMailer, mailPolicyNotices } from '@tia/api/policy-notices';
import { devMailboxProblem } from '@tia/api/mail-guard';
import { feedbackHandler, sweepAudio, transcriptionHandler } from './handlers/practice.js';
import { closeDecoder, warmDecoder } from './speech/decode.js';
import {
  assertEngineReady,
  checkSpeech,
  createTranscriptionEngine,
  type SpeechCheck,
} from './speech/config.js';
import { createFeedbackEnricher } from './feedback/llm.js';
import { runAuditCheckpoints } from './audit/checkpoints.js';
import { anchorStoreOf } from './audit/config.js';
import { sweepLegacyScratch, sweepScratch } from './speech/scratch.js';
import { createModelGrader } from './feedback/grader.js';
import { gateEngine, gateEnricher, gateGrader } from './processors/gate.js';
import { runRetentionJob } from './retention.js';

export interface RunningWorker {
  transport: Transport;
  stop(): Promise<void>;
}

/** Starts everything the worker owns: migrations, transport + handlers, async projections, chain sealer. */
export const startWorker = async (
  env: WorkerEnv,
  log: Logger,
  /** Replaces the default handlers (diagnostics, transcription, feedback): tests. */
  handlersOverride?: readonly Handler[],
): Promise<RunningWorker> => {
  // The speech engine must be usable before anything starts: a clear error beats a queue of failures.
  // With SPEECH_ENGINE_MISSING=degrade (npm start) the worker starts anyway and records transcription
  // as unavailable; the web app then refuses recordings with a clear message instead of accepting
  // audio nobody can process.
  const engine = handlersOverride ? null : createTranscriptionEngine(env);
  if (engine && env.SPEECH_ENGINE_MISSING === 'fail') await assertEngineReady(engine);
  let speech: SpeechCheck | null = engine ? await checkSpeech(engine) : null;
  // A worker killed mid-transcription left decoded audio in its scratch folders: remove it before anything.
  const swept = [...(await sweepScratch()), ...(await sweepLegacyScratch())];
  if (swept.length > 0) log.warn('scratch folders of stopped workers removed', { count: swept.length });
  const enricher = handlersOverride ? null : createFeedbackEnricher(env);
  const grader = handlersOverride ? null : createModelGrader(env);
  const sql = createSql(env.DATABASE_URL, { max: 10, applicationName: 'tia-worker' });
  // As the owner: applies pending migrations. As the application role: refuses to start if any is pending.
  const { applied } = await migrateOrVerify(sql);
  if (applied.length > 0) log.info('migrations applied', { applied });
  const masterKey = parseMasterKey(env.MASTER_KEY);
  const { store, keys, blobs } = createPersistence(sql, masterKey);
  /** Records a speech check; logs when availability changed since `before` (or at start). */
  const reportSpeech = async (check: SpeechCheck, before: SpeechCheck | null) => {
    await recordCapability(sql, {
      capability: 'transcription',
      available: check.ok,
      reason: check.ok ? null : check.reason,
      installHint: check.ok ? null : check.installHint,
    });
    if (before !== null && before.ok === check.ok) return;
    if (check.ok) {
      if (before) log.info('transcription available again');
    } else {
      log.warn(
        'transcription unavailable: the product runs, but candidates cannot record answers until it is installed',
        {
          reason: check.reason,
          install: check.installHint,
        },
      );
    }
  };
  if (speech) await reportSpeech(speech, null);
  const inline = INLINE_PROJECTIONS.map(asInline);
  // Remote services get data only while an active processor entry covers them (P09, P42).
  const whisperUrl = env.TRANSCRIPTION_ENGINE === 'whisper-http' ? env.WHISPER_URL : undefined;
  const gated = {
    engine: engine && whisperUrl ? gateEngine(engine, sql, whisperUrl) : engine,
    grader: grader && env.LLM_BASE_URL ? gateGrader(grader, sql, env.LLM_BASE_URL) : grader,
    enricher: enricher && env.LLM_BASE_URL ? gateEnricher(enricher, sql, env.LLM_BASE_URL) : enricher,
  };
  const ac = new AbortController();
  // A production worker never writes people's mail into the dev mailbox (the web app refuses it the same way).
  const mailProblem = devMailboxProblem(env);
  const mailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, mailboxDir: env.MAILBOX_DIR });
  // What both mailing jobs (outcome emails, policy-change notices) share, built once.
  const mailDeps = {
    keys,
    inline,
    mailer,
    clock: () => new Date(),
    newId: randomUUID,
    origin: env.PUBLIC_ORIGIN,
  };
  if (mailProblem) log.error('privacy outcome emails are not sent', { reason: mailProblem });
  const handlers: readonly Handler[] = handlersOverride ?? [
    diagnosticsHandler,
    privacyExportHandler({ keys, inline }),
    // Export ready, complaint answered (P07). Without a usable mailer the handler is left out, as the
    // policy-change notices are; stale outcomes are not mailed when it runs again.
    ...(mailProblem ? [] : [privacyOutcomeMailHandler(mailDeps)]),
    transcriptionHandler({
      blobs,
      inline,
      engine: gated.engine!,
      timeoutMs: env.TRANSCRIPTION_TIMEOUT_MS,
      // Rubric-only feedback is decided with the transcript (one hop fewer); a language model keeps its own.
      scoreAtOnce: !gated.enricher && !gated.grader,
    }),
    feedbackHandler({ blobs, inline, enricher: gated.enricher, grader: gated.grader }),
  ];
  // One ffmpeg waits, started, for the next answer (`decode.ts`): its start-up is not paid per answer.
  if (engine) warmDecoder();
  if (engine) {
    log.info('speech and feedback engines', {
      transcription: { name: engine.name, model: engine.model },
      feedback: grader
        ? { name: 'rubric+model', model: grader.model, tips: enricher !== null }
        : { name: 'rubric', model: null },
    });
  }

  const transport: Transport = env.KAFKA_BROKERS
    ? new KafkaTransport({
        sql,
        store,
        log,
        handlers,
        cfg: {
          brokers: env.KAFKA_BROKERS,
          clientId: env.KAFKA_CLIENT_ID,
          topicPrefix: env.KAFKA_TOPIC_PREFIX,
        },
      })
    : new EmbeddedTransport({ sql, store, log, handlers });
  await transport.start();

  const loops = ASYNC_PROJECTIONS.map((p) =>
    runProjection(p, { sql, store, log: log.child({ projection: p.name }), signal: ac.signal }),
  );
  // The sealer runs after appends commit (woken like the consumers, at most twice a second), and every
  // 2 s without them (a commit still above the horizon when it ran is sealed by then at the latest).
  const sealerWake = acquireWakeup(sql, log);
  loops.push(
    (async () => {
      try {
        while (!ac.signal.aborted) {
          const seen = sealerWake.wake.seq();
          try {
            const n = await sealChain(sql);
            if (n === 5000) continue;
          } catch (e) {
            log.error('sealing the hash chain failed', { error: e });
          }
          await sleep(500, ac.signal);
          await sealerWake.wake.wait(seen, 2000, ac.signal);
        }
      } finally {
        await sealerWake.release();
      }
    })(),
  );

  // Signed checkpoints of the audit log, published outside the database.
  const anchors = anchorStoreOf(env);
  if (env.AUDIT_SIGNING_KEY && anchors) {
    log.info('audit checkpoints go to', { anchors: anchors.location });
    loops.push(
      runAuditCheckpoints({
        sql,
        log: log.child({ component: 'audit' }),
        key: env.AUDIT_SIGNING_KEY,
        store: anchors,
        intervalMs: env.AUDIT_CHECKPOINT_SECONDS * 1000,
        signal: ac.signal,
      }).catch((e: unknown) => log.error('audit checkpoints stopped', { error: e })),
    );
  } else
    log.warn(
      'audit checkpoints are off: set AUDIT_SIGNING_KEY and AUDIT_ANCHOR_DIR (or AUDIT_ANCHOR_S3_URL) to sign the log',
    );

  // Speech availability is re-checked while the worker runs: installing the engine is enough.
  if (engine && speech) {
    loops.push(
      (async () => {
        while (!ac.signal.aborted) {
          await sleep(env.SPEECH_RECHECK_SECONDS * 1000, ac.signal);
          if (ac.signal.aborted) break;
          try {
            const now = await checkSpeech(engine);
            await reportSpeech(now, speech);
            speech = now;
          } catch (e) {
            log.error('speech re-check failed', { error: e });
          }
        }
      })(),
    );
  }

  // Retention (P18): technical data, rate-limit rows, practice sessions, inactive accounts — one leader at a time.
  loops.push(
    runRetentionJob({
      env,
      sql,
      store,
      keys,
      masterKey,
      log: log.child({ component: 'retention' }),
      signal: ac.signal,
    }),
  );

  // A data export nobody downloaded is deleted 24 hours after it was ready (checked every minute).
  loops.push(
    (async () => {
      while (!ac.signal.aborted) {
        try {
          const expired = await sweepExports({ sql, store, keys, inline }, new Date());
          if (expired > 0) log.info('data exports past their 24 hours deleted', { expired });
        } catch (e) {
          log.error('export sweep failed', { error: e });
        }
        await sleep(60_000, ac.signal);
      }
    })(),
  );

  // Emails about a significant revision of the privacy notice, in bounded batches (claimed before sending, so
  // nobody is mailed twice about the same revision, whatever crashes).
  if (mailProblem) log.error('policy-change notices are not sent', { reason: mailProblem });
  loops.push(
    (async () => {
      while (!ac.signal.aborted && !mailProblem) {
        let more = false;
        try {
          const run = await mailPolicyNotices({ sql, store, ...mailDeps }, env.POLICY_NOTICE_BATCH);
          if (run.sent > 0) log.info('policy-change notices sent', { ...run });
          more = run.claimed === env.POLICY_NOTICE_BATCH;
        } catch (e) {
          log.error('policy-change notices stopped for now', { error: e });
        }
        if (!more) await sleep(env.POLICY_NOTICE_SECONDS * 1000, ac.signal);
      }
    })(),
  );

  // No audio outlives AUDIO_MAX_AGE_MINUTES, whatever happened to its transcription.
  loops.push(
    (async () => {
      while (!ac.signal.aborted) {
        try {
          const swept = await sweepAudio({
            blobs,
            inline,
            store,
            maxAgeMs: env.AUDIO_MAX_AGE_MINUTES * 60_000,
          });
          if (swept > 0) log.warn('audio past its maximum age deleted', { swept });
        } catch (e) {
          log.error('audio sweep failed', { error: e });
        }
        await sleep(env.AUDIO_SWEEP_SECONDS * 1000, ac.signal);
      }
    })(),
  );

  let server: Server | null = null;
  if (env.WORKER_HEALTH_PORT !== undefined) {
    server = createServer((req, res) => {
      if (req.url !== '/health') {
        res.writeHead(404).end();
        return;
      }
      void healthReport(sql).then((h) => {
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(h));
      });
    }).listen(env.WORKER_HEALTH_PORT, '127.0.0.1');
  }
  log.info('worker started', { transport: transport.mode, handlers: handlers.map((h) => h.name) });

  return {
    transport,
    stop: async () => {
      log.info('worker stopping');
      ac.abort();
      await transport.stop();
      closeDecoder();
      await Promise.allSettled(loops);
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await sql.end({ timeout: 5 });
      log.info('worker stopped');
    },
  };
};
