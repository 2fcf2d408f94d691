#!/usr/bin/env bash
# Single-node Apache Kafka broker (KRaft, combined broker+controller) for dev and CI.
#
#   bash scripts/kafka.sh start    fetch libs if missing, format storage once, start, wait until ready
#   bash scripts/kafka.sh stop     graceful SIGTERM, then SIGKILL after a grace period
#   bash scripts/kafka.sh status   exit 0 if running and answering metadata, 3 otherwise
#   bash scripts/kafka.sh wait     wait until the broker answers metadata (non-zero on timeout)
#
# Everything lives in <repo>/.kafka (git-ignored): libs/, data/, server.properties,
# log4j2.properties, kafka.pid, kafka.log, broker.json.
# Kafka jars come from Maven Central via infra/kafka/pom.xml (version pinned there; see
# the comment in that pom).
#
# Environment (all optional):
#   KAFKA_DIR                 state directory (default <repo>/.kafka): a second broker needs its own
#   KAFKA_LIBS                jar directory (default $KAFKA_DIR/libs; share one between brokers)
#   KAFKA_PORT                client listener port (default 9092)
#   KAFKA_CONTROLLER_PORT     KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_HEAP_OPTS           JVM heap (default "-Xms256m -Xmx512m")
#   KAFKA_WAIT_TIMEOUT        seconds to wait for readiness (default 90)
#   KAFKA_STOP_TIMEOUT        seconds to wait after SIGTERM before SIGKILL (default 30)
#   JAVA_HOME                 JDK/JRE to use (default: java on PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_DIR="${KAFKA_DIR:-$ROOT/.kafka}"
LIBS="${KAFKA_LIBS:-$KAFKA_DIR/libs}"
DATA="$KAFKA_DIR/data"
POM="$ROOT/infra/kafka/pom.xml"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"
PROPS="$KAFKA_DIR/server.properties"
LOG4J="$KAFKA_DIR/log4j2.properties"
TOOLS_LOG4J="$KAFKA_DIR/tools-log4j2.properties"
CLUSTER_ID_FILE="$KAFKA_DIR/cluster-id"
INFO_FILE="$KAFKA_DIR/broker.json"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
WAIT_TIMEOUT="${KAFKA_WAIT_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

kafka_version() {
  sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n1
}

# --- process helpers -------------------------------------------------------------------

# Prints the pid of our running broker (from the pid file) or nothing. Cleans stale pid files.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Sends a Metadata v1 request (no topics) and succeeds if the broker lists >= 1 broker and a
# controller. Uses node's `net` only (no npm deps), so it works before `npm ci` too.
probe_metadata() {
  command -v node >/dev/null 2>&1 || { port_open "$PORT"; return; }
  node -e '
    const net = require("net");
    const [host, port] = [process.argv[1], Number(process.argv[2])];
    const clientId = Buffer.from("kafka.sh-probe");
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
    let o = 0;
    o = body.writeInt16BE(3, o);            // api_key: Metadata
    o = body.writeInt16BE(1, o);            // api_version: 1
    o = body.writeInt32BE(4242, o);         // correlation_id
    o = body.writeInt16BE(clientId.length, o); o += clientId.copy(body, o);
    body.writeInt32BE(0, o);                // topics: [] (v1: none)
    const size = Buffer.alloc(4); size.writeInt32BE(body.length);
    const sock = net.connect({ host, port });
    const fail = (m) => { if (m) process.stderr.write(m + "\n"); sock.destroy(); process.exit(1); };
    sock.setTimeout(3000, () => fail());
    sock.on("error", () => fail());
    let buf = Buffer.alloc(0);
    sock.on("connect", () => sock.write(Buffer.concat([size, body])));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      try {
        let p = 4;
        if (buf.readInt32BE(p) !== 4242) return fail("bad correlation id"); p += 4;
        const n = buf.readInt32BE(p); p += 4;
        for (let i = 0; i < n; i++) {
          p += 4; p += 2 + buf.readInt16BE(p); p += 4;
          const rack = buf.readInt16BE(p); p += 2 + Math.max(rack, 0);
        }
        const controller = buf.readInt32BE(p);
        sock.destroy();
        process.exit(n >= 1 && controller >= 0 ? 0 : 1);
      } catch (e) { fail(String(e)); }
    });
  ' "$HOST" "$PORT" 2>/dev/null
}

# --- libs --------------------------------------------------------------------------------

ensure_libs() {
  local version stamp="$LIBS/.kafka-version"
  version="$(kafka_version)"
  [[ -n "$version" ]] || die "cannot read <kafka.version> from $POM"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$version" && -f "$LIBS/kafka_2.13-$version.jar" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Kafka $version libs missing in $LIBS and 'mvn' is not installed"
  log "fetching Kafka $version jars into $LIBS (maven) ..."
  local t0=$SECONDS tmp="$KAFKA_DIR/libs.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  local args=(-B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies
    -DincludeScope=runtime "-DoutputDirectory=$tmp")
  # Offline first (works without network when ~/.m2 already has everything), then online.
  # Debian's maven 3.8 prints bare ANSI resets even in batch/quiet mode: strip them, keep errors.
  if ! mvn -o "${args[@]}" >/dev/null 2>&1; then
    mvn "${args[@]}" 2>&1 | { sed -e 's/\x1b\[[0-9;]*m//g' | grep -v '^[[:space:]]*$' >&2 || true; } ||
      die "maven could not fetch Kafka $version (see errors above)"
  fi
  [[ -f "$tmp/kafka_2.13-$version.jar" ]] || die "kafka_2.13-$version.jar not found after maven run"
  echo "$version" >"$tmp/.kafka-version"
  rm -rf "$LIBS"
  mkdir -p "$(dirname "$LIBS")" # KAFKA_LIBS may live outside KAFKA_DIR (brokers started by the tests share it)
  mv "$tmp" "$LIBS"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - t0))s"
}

# --- config ------------------------------------------------------------------------------

write_config() {
  mkdir -p "$DATA" "$KAFKA_DIR/logs"
  cat >"$PROPS" <<EOF
# Generated by scripts/kafka.sh on every start — edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$DATA
metadata.log.dir=$DATA

# single node: every replication factor is 1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

# dev/CI friendliness
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=3
offsets.topic.num.partitions=10
log.retention.hours=24
EOF
  cat >"$LOG4J" <<'EOF'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = warn
logger.storage.name = org.apache.kafka.storage.internals.log
logger.storage.level = warn
logger.group.name = org.apache.kafka.coordinator.group
logger.group.level = warn
EOF
  # CLI tools (StorageTool): warnings only, on stderr — their stdout is parsed.
  cat >"$TOOLS_LOG4J" <<'EOF'
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

valid_cluster_id() { [[ "$1" =~ ^[A-Za-z0-9_-]{22}$ ]]; }

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  local cid=""
  [[ -s "$CLUSTER_ID_FILE" ]] && cid="$(cat "$CLUSTER_ID_FILE")"
  if ! valid_cluster_id "$cid"; then
    cid="$("$JAVA" -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
    valid_cluster_id "$cid" || die "kafka-storage random-uuid returned an unexpected value: $cid"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting KRaft storage in $DATA (cluster id $cid)"
  "$JAVA" -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" kafka.tools.StorageTool format \
    -t "$cid" -c "$PROPS" --standalone --ignore-formatted >/dev/null ||
    die "kafka-storage format failed"
}

# --- commands ----------------------------------------------------------------------------

log_tail() {
  [[ -f "$LOG_FILE" ]] || return 0
  log "---- last 60 lines of $LOG_FILE ----"
  tail -n 60 "$LOG_FILE" >&2 || true
  log "-------------------------------------"
}

cmd_wait() {
  local t0=$SECONDS pid
  pid="$(running_pid)"
  while ((SECONDS - t0 < WAIT_TIMEOUT)); do
    if probe_metadata; then
      log "ready on $HOST:$PORT after $((SECONDS - t0))s"
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      log "broker process $pid exited during start-up"
      rm -f "$PID_FILE"
      log_tail
      return 1
    fi
    sleep 0.5
  done
  log "broker not ready on $HOST:$PORT after ${WAIT_TIMEOUT}s"
  log_tail
  return 1
}

cmd_start() {
  mkdir -p "$KAFKA_DIR"
  exec 9>"$KAFKA_DIR/.lock"
  flock -w 180 9 || die "another kafka.sh is holding $KAFKA_DIR/.lock"

  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install openjdk-17-jre-headless or set JAVA_HOME)"
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    log "already running (pid $pid)"
    cmd_wait
    return
  fi
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    die "port $PORT or $CONTROLLER_PORT is already in use by another process (not ours); set KAFKA_PORT"
  fi

  ensure_libs
  write_config
  format_storage

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  local version cid
  version="$(cat "$LIBS/.kafka-version")"
  cid="$(sed -n 's/^cluster\.id=//p' "$DATA/meta.properties")"
  log "starting Kafka $version on $HOST:$PORT (controller $CONTROLLER_PORT), log: ${LOG_FILE#"$ROOT"/}"
  # shellcheck disable=SC2086,SC2016 # HEAP_OPTS is word-split on purpose; $$/$@ expand in the child
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$KAFKA_DIR/logs" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    </dev/null >"$LOG_FILE" 2>&1 9>&- &
  for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(running_pid)"
  [[ -n "$pid" ]] || { log "broker failed to launch"; log_tail; exit 1; }
  printf '{"version":"%s","clusterId":"%s","bootstrap":"%s:%s","pid":%s}\n' \
    "$version" "$cid" "$HOST" "$PORT" "$pid" >"$INFO_FILE"
  cmd_wait || {
    log "stopping the half-started broker"
    cmd_stop >/dev/null 2>&1 || true
    exit 1
  }
}

cmd_stop() {
  mkdir -p "$KAFKA_DIR"
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
    rm -f "$INFO_FILE"
    return 0
  fi
  log "stopping (pid $pid, SIGTERM) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - t0 < STOP_TIMEOUT)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT}s, SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE" "$INFO_FILE"
  log "stopped after $((SECONDS - t0))s"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]] && probe_metadata; then
    log "running (pid $pid) and ready on $HOST:$PORT"
    return 0
  elif [[ -n "$pid" ]]; then
    log "running (pid $pid) but not answering metadata on $HOST:$PORT yet"
    return 3
  fi
  log "not running"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  *)
    echo "usage: $0 start|stop|status|wait" >&2
    exit 2
    ;;
esac
