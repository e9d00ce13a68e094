#!/usr/bin/env bash
# benches/load.sh — load benchmark with the reference server in ITS OWN
# PROCESS (`kmip-harness serve`) and `kmip-harness load --target
# 127.0.0.1:PORT` as the client process, at 1, 8 and 64 clients. Writes the
# section between the `load:begin` / `load:end` markers of reports/bench.md
# (appends it when the markers are missing). Called by benches/run.sh; can
# also run alone, from the repository root:
#
#     bash benches/load.sh
#
# Per client count, a fresh server (in-memory store, --log-level warn) is
# started, its CPU time (utime + stime from /proc/PID/stat) is read just
# before the load process starts and just after it exits, and the server is
# stopped. Knobs (environment):
#   LOAD_SECONDS        measured seconds per run (default 10)
#   LOAD_CLIENT_COUNTS  client counts (default "1 8 64")
#   LOAD_OPS            the cycle (default create,get,destroy)
#   LOAD_REPEAT         runs per configuration; the table shows each (default 1)
#   LOAD_PROCS          client processes (`load --procs`, default 1)
#   LOAD_MIX_OPS        the operation mix of the second table (default
#                       create,get,get-attributes,locate,encrypt,revoke,destroy;
#                       empty: no mix table)
#   LOAD_MIX_CLIENTS    clients of the mix runs (default 8)
#   LOAD_MIX_BATCHES    batch sizes of the mix runs (default "1 8")
#   BIN                 the kmip-harness binary to use (default: the release
#                       build, built here with cargo)
#   BASELINE_BIN        optional second kmip-harness binary (e.g. a build of
#                       an older commit): its SERVER is measured the same way,
#                       alternating with BIN's at each client count, always
#                       driven by BIN's load client
#   BASELINE_LABEL      label of the baseline rows (default "baseline")
#   BIN_LABEL           label of BIN's rows (default "this tree (COMMIT)")
#   BENCH_OUT           report file (default reports/bench.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${LOAD_SECONDS:-10}
COUNTS=${LOAD_CLIENT_COUNTS:-"1 8 64"}
OPS=${LOAD_OPS:-create,get,destroy}
REPEAT=${LOAD_REPEAT:-1}
PROCS=${LOAD_PROCS:-1}
MIX_OPS=${LOAD_MIX_OPS-create,get,get-attributes,locate,encrypt,revoke,destroy}
MIX_CLIENTS=${LOAD_MIX_CLIENTS:-8}
MIX_BATCHES=${LOAD_MIX_BATCHES:-"1 8"}
OUT=${BENCH_OUT:-$ROOT/reports/bench.md}
TD=${CARGO_TARGET_DIR:-$ROOT/target}
BASE=${BASELINE_BIN:-}
BASE_LABEL=${BASELINE_LABEL:-baseline}
W=$(mktemp -d "${TMPDIR:-/tmp}/kh-loadbench.XXXXXX")
SRV_PID=""
cleanup() {
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[load] $*" >&2; }

if [ -z "${BIN:-}" ]; then
  log "release build (cargo build --release -p kmip-harness)"
  CARGO_TARGET_DIR=$TD cargo build --release -p kmip-harness >"$W/build.txt" 2>&1 \
    || { tail -30 "$W/build.txt" >&2; exit 1; }
  BIN=$TD/release/kmip-harness
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
TCK=$(getconf CLK_TCK)

# CPU ticks (utime + stime) of a process; the fields after the ")" of comm.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# run LABEL SERVER_BIN CLIENTS REP [OPS BATCH]: one measured run ->
# $W/LABEL-CLIENTS-REP.{json,env}
run() {
  local label=$1 sbin=$2 n=$3 rep=$4 ops=${5:-$OPS} batch=${6:-1}
  local tag="$label-$n-$rep"
  "$sbin" serve --listen 127.0.0.1:0 --cert-dir "$W/certs" --log-level warn \
    >"$W/$tag.srv.out" 2>"$W/$tag.srv.err" &
  SRV_PID=$!
  local addr="" i
  for i in $(seq 1 600); do
    addr=$(sed -n 's/^listening on //p' "$W/$tag.srv.out" | head -1)
    [ -n "$addr" ] && break
    kill -0 "$SRV_PID" 2>/dev/null || { cat "$W/$tag.srv.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "server did not start" >&2; exit 1; }
  local c0 c1 t0 t1
  c0=$(cpu_ticks "$SRV_PID")
  t0=$(date +%s.%N)
  local TIMEFORMAT='%U %S'
  { time "$BIN" load --target "$addr" --ca "$W/certs/ca.pem" --clients "$n" \
      --procs "$PROCS" --batch "$batch" --server-pid "$SRV_PID" \
      --duration "$SECS" --ops "$ops" --json "$W/$tag.json" >"$W/$tag.txt" 2>&1 ; } \
      2>"$W/$tag.clientcpu" || true
  t1=$(date +%s.%N)
  c1=$(cpu_ticks "$SRV_PID")
  kill "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
  SRV_PID=""
  echo "label=$label clients=$n rep=$rep server_ticks=$((c1 - c0)) tck=$TCK wall=$t0:$t1 client_cpu=$(tail -1 "$W/$tag.clientcpu" | tr ' ' ':')" >"$W/$tag.env"
  log "$label, $n clients: done (load exit status in $tag.txt)"
}

for n in $COUNTS; do
  for rep in $(seq 1 "$REPEAT"); do
    if [ -n "$BASE" ]; then
      log "$BASE_LABEL server, $n clients, ${SECS}s"
      run base "$BASE" "$n" "$rep"
    fi
    log "server, $n clients, ${SECS}s"
    run cur "$BIN" "$n" "$rep"
  done
done

if [ -n "$MIX_OPS" ]; then
  for b in $MIX_BATCHES; do
    log "server, mix $MIX_OPS, $MIX_CLIENTS clients, batch $b, ${SECS}s"
    run "mix$b" "$BIN" "$MIX_CLIENTS" 1 "$MIX_OPS" "$b"
  done
fi

BIN_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then BIN_REV="$BIN_REV + local changes"; fi
BIN_LABEL=${BIN_LABEL:-"this tree ($BIN_REV)"}
python3 - "$W" "$OUT" "$SECS" "$OPS" "$BASE_LABEL" "$BIN_LABEL" "$COUNTS" "$REPEAT" "$PROCS" "$MIX_OPS" "$MIX_CLIENTS" "$MIX_BATCHES" <<'PY'
import json, os, sys, datetime, re
w, out, secs, ops, base_label, bin_label, counts, repeat, procs, mix_ops, mix_clients, mix_batches = sys.argv[1:13]
counts = counts.split()
cpu = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
L = ["<!-- load:begin (written by benches/load.sh) -->",
     f"## Load: reference server in its own process ({ops.replace(',', ' + ')})\n",
     f"Run: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
     f"{os.cpu_count()} CPUs ({cpu}); load average at the end {os.getloadavg()[0]:.1f}. "
     f"Server: `kmip-harness serve --listen 127.0.0.1:0 --log-level warn` (in-memory store, "
     f"TLS 1.3 rustls), a fresh process per row. Client: `kmip-harness load --target "
     f"127.0.0.1:PORT --duration {secs} --procs {procs}`, one persistent TLS connection per "
     f"client, in {procs} client process(es) separate from the server, on the same 2-core "
     f"machine: client and server share the cores, so ops/s is bounded by both; server "
     f"CPU µs/op is the server's own cost.\n",
     "| server | clients | ops/s | ok | failed | lost | p50 / p99 ms (create) | "
     "p50 / p99 ms (get) | p50 / p99 ms (destroy) | server CPU µs/op | client CPU µs/op |",
     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
labels = [("base", base_label), ("cur", bin_label)]
for n in counts:
    for rep in range(1, int(repeat) + 1):
        for key, label in labels:
            tag = f"{key}-{n}-{rep}"
            envf = os.path.join(w, tag + ".env")
            if not os.path.exists(envf):
                continue
            env = dict(kv.split("=", 1) for kv in open(envf).read().split())
            jp = os.path.join(w, tag + ".json")
            if not os.path.exists(jp):
                txt = open(os.path.join(w, tag + ".txt")).read().strip().splitlines()
                L.append(f"| {label} | {n} | not measured: {txt[-1] if txt else '?'} | | | | | | | | |")
                continue
            d = json.load(open(jp))
            ok = d["ok"] or 0
            srv_us = int(env["server_ticks"]) / int(env["tck"]) * 1e6 / ok if ok else float("nan")
            try:
                u, s_ = (float(x) for x in env["client_cpu"].split(":")[:2])
                cli_us = (u + s_) * 1e6 / ok if ok else float("nan")
            except ValueError:
                cli_us = float("nan")
            def pp(op):
                s = d["per_op"].get(op)
                return f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}" if s else "n/a"
            L.append(f"| {label} | {n} | {d['ops_per_sec']:,.0f} | {ok} | {d['failed']} | "
                     f"{d['lost']} | {pp('create')} | {pp('get')} | {pp('destroy')} | "
                     f"{srv_us:.1f} | {cli_us:.1f} |")
L.append("")
mix_rows = []
for b in mix_batches.split() if mix_ops else []:
    tag = f"mix{b}-{mix_clients}-1"
    jp = os.path.join(w, tag + ".json")
    envf = os.path.join(w, tag + ".env")
    if not (os.path.exists(jp) and os.path.exists(envf)):
        mix_rows.append(f"| {b} | not measured | | | | | |"); continue
    d = json.load(open(jp))
    env = dict(kv.split("=", 1) for kv in open(envf).read().split())
    ok = d["ok"] or 0
    srv_us = int(env["server_ticks"]) / int(env["tck"]) * 1e6 / ok if ok else float("nan")
    lat = "; ".join(f"{op} {s['p50_ms']:.2f}/{s['p99_ms']:.2f}" for op, s in d["per_op"].items())
    mix_rows.append(f"| {b} | {d['ops_per_sec']:,.0f} | {ok} | {d['failed']} | {d['lost']} | "
                    f"{srv_us:.1f} | {lat} |")
if mix_rows:
    L.append(f"### Operation mix: {mix_ops.replace(',', ' + ')}, {mix_clients} clients\n")
    L.append("Each cycle creates K keys (Active, with a unique Name), then runs every "
             "operation once on each key, K batch items per message; ops/s counts batch "
             "items. Same server and client setup as above.\n")
    L.append("| batch K | ops/s | ok | failed | lost | server CPU µs/op | p50 / p99 ms per message |")
    L.append("|---:|---:|---:|---:|---:|---:|---|")
    L.extend(mix_rows)
    L.append("")
L.append("What each figure includes:\n")
L.append("- **ops/s**: successful operations (Create, Get and Destroy each count one; a cycle "
         "is 3) divided by the load tool's elapsed time (the measured duration plus the time "
         "the clients take to finish their last cycle), as printed by `kmip-harness load`.")
L.append("- **p50 / p99**: client-side latency of one request/response exchange (encode, TLS "
         "write, server time, TLS read, decode), per operation.")
L.append("- **lost**: created keys the cycle could not Get or Destroy afterwards "
         "(`kmip-harness load`'s no-loss check); **failed**: operations answered with a failure.")
L.append("- **server CPU µs/op**: the server process's user + system CPU time (`/proc/PID/stat` "
         "utime + stime, 1/CLK_TCK resolution) from just before the load process starts to just "
         "after it exits, divided by the successful operations. It includes the TLS handshakes of "
         "the clients' connections and everything the server does meanwhile (TTLV codec, TLS, "
         "store, logging at warn level, Tokio), but not the client.")
L.append("- **client CPU µs/op**: the load process's user + system CPU time (bash `time`), same "
         "division: what the client costs the shared cores.")
if os.path.exists(os.path.join(w, f"base-{counts[0]}-1.env")):
    L.append(f"- **{base_label}** rows: the server of the baseline binary, measured the same way "
             "in the same run (alternating with this tree's at each client count), driven by this "
             "tree's load client.")
L.append("")
L.append("On a shared or busy machine the absolute figures are noisy; compare rows of one run "
         "(same conditions) and re-run `bash benches/run.sh` (or `bash benches/load.sh`) on a "
         "quiet machine for figures to quote. Where the client's share of the 2 cores limits "
         "ops/s, server CPU µs/op is the figure that tracks the server's own cost.")
L.append("<!-- load:end -->")
section = "\n".join(L) + "\n"
try:
    text = open(out).read()
except OSError:
    text = "# Benchmarks\n\n"
m = re.search(r"<!-- load:begin.*?<!-- load:end -->\n?", text, re.S)
if m:
    text = text[:m.start()] + section + text[m.end():]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(out, "w").write(text)
PY
log "wrote the load section of $OUT"
