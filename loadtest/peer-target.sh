# sluice as a target of the peer benchmark harness (bench/peers). Copy it
# into the harness as targets/sluice.sh; bench.sh sources it and provides
# $BENCH, $RUNDIR (scratch) and $OUTDIR (data), both wiped per run.
#
#   SLUICE_REPO=/path/to/sluice \
#     ./bench.sh targets/sluice.sh -f lf -n 1000000 -r 3
#
# SLUICE_REPO must hold a build (npx tsc -p tsconfig.json -> dist/).
# Optional: SLUICE_WORKERS (pipeline workers, default 2), SLUICE_NODE_ARGS
# (extra node flags, e.g. "--cpu-prof --cpu-prof-dir /tmp/prof"),
# SLUICE_COUNT_AFTER_STOP=1 (stop the daemon before counting, so the
# count includes what it flushes on shutdown).

SLUICE_REPO=${SLUICE_REPO:?set SLUICE_REPO to the sluice checkout}
SLUICE_CLI="$SLUICE_REPO/dist/daemon/cli.js"
SLUICE_HTTP_PORT=${SLUICE_HTTP_PORT:-15801}

TARGET_NAME=sluice
TARGET_VARIANT=full
TARGET_PORT=${SLUICE_PORT:-15800}
TARGET_UDP_PORT=$TARGET_PORT
TARGET_FRAMINGS="lf octet udp"

# JSON is valid YAML; the daemon takes either.
sluice_config() {
  cat > "$RUNDIR/sluice.json" <<EOF
{
  "data_dir": "$OUTDIR",
  "log_level": "info",
  "listeners": [
    { "name": "bench-tcp", "protocol": "tcp", "host": "127.0.0.1",
      "port": $TARGET_PORT },
    { "name": "bench-udp", "protocol": "udp", "host": "127.0.0.1",
      "port": $TARGET_UDP_PORT, "receive_buffer_bytes": 8388608 }
  ],
  "http": { "host": "127.0.0.1", "port": $SLUICE_HTTP_PORT },
  "tenants": [ { "name": "default", "sources": ["127.0.0.0/8"] } ],
  "pipeline": { "workers": ${SLUICE_WORKERS:-2} }
}
EOF
}

# $1 = lf|octet|udp; the TCP listener takes both framings on one port.
target_start() {
  [ -f "$SLUICE_CLI" ] || { echo "no build at $SLUICE_CLI" >&2; return 1; }
  sluice_config
  # node itself, not npm: TARGET_PID must be the daemon so CPU and SIGTERM
  # reach it. Word splitting of SLUICE_NODE_ARGS is intended.
  # shellcheck disable=SC2086
  node ${SLUICE_NODE_ARGS:-} "$SLUICE_CLI" run --config "$RUNDIR/sluice.json" \
    > "$RUNDIR/daemon.log" 2>&1 &
  TARGET_PID=$!
}

# Messages stored so far, from /metrics: exact and cheap (one local HTTP
# GET every 50 ms). With pipefail (set by bench.sh) a failed curl makes
# bench.sh keep the previous value instead of reading 0.
target_progress() {
  curl -sf --max-time 1 "http://127.0.0.1:$SLUICE_HTTP_PORT/metrics" |
    awk '/^sluice_messages_stored_total[{ ]/ { s += $2 } END { print s + 0 }'
}

target_count() {
  if [ -n "${SLUICE_COUNT_AFTER_STOP:-}" ]; then target_stop; fi
  node "$SLUICE_CLI" count --data-dir "$OUTDIR"
}

target_stop() {
  [ -n "${TARGET_PID:-}" ] || return 0
  kill -TERM "$TARGET_PID" 2>/dev/null
  wait "$TARGET_PID" 2>/dev/null
  TARGET_PID=""
}
