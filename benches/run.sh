#!/usr/bin/env bash
# benches/run.sh — the side-by-side benchmark run behind reports/bench.md.
# ONE command, from the repository root:
#
#     bash benches/run.sh                # writes reports/bench.md
#
# 1. TTLV decode/encode MB/s (criterion, benches/peer-bench): our tree decoder,
#    our zero-copy view decoder (parse only, and full traversal), the naive
#    tree decoder/encoder (the floor), NLnetLabs kmip-ttlv 0.3.5 and a strict
#    header walk (the ceiling), on a 312-byte Get response and a 1 MiB
#    Register request; then the same contenders in INSTRUCTIONS PER CALL
#    (benches/instr.sh, callgrind) on the Get response, a KMIP 2.1 Create
#    request and a Locate response with 64 identifiers.
# 2. Full OASIS corpus replay time against the reference server, --jobs 1 and
#    2, CORPUS_RUNS (default 3) runs each, alternating; the median is shown.
# 3. `kmip-harness load` Create+Get+Destroy ops/s against the PyKMIP server
#    (64 clients).
# 4. benches/load.sh: the reference server in its own process
#    (`kmip-harness serve`) under `kmip-harness load --target 127.0.0.1:PORT`
#    at 1, 8 and 64 clients: ops/s, p50/p99, lost, server and client CPU
#    µs per operation. REF_LOAD_SECONDS (default 10) is its duration per
#    run; LOAD_CLIENT_COUNTS, LOAD_REPEAT, BASELINE_BIN pass through (see
#    the script).
#
# Knobs (environment): BENCH_MEASURE (criterion seconds per bench, default 3),
# INSTR_CALLS (calls per callgrind run, default 2000), CORPUS_RUNS (3),
# LOAD_SECONDS (default 60), LOAD_CLIENTS (default 64), KMIP_CORPUS (default
# ../shared/oasis beside the main checkout), PYKMIP_DIR (default /tmp/pykmip-bench; PyKMIP is skipped
# with a note when it cannot be set up), PYKMIP_PORT (default 25696),
# CARGO_TARGET_DIR (default target), BENCH_OUT (default reports/bench.md),
# BENCH_OPENSSL (default: 1 when pkg-config finds OpenSSL): build with
# `--features openssl` and load PyKMIP with `--tls-backend openssl` (PyKMIP's
# TLS 1.2 suite shares no cipher suite with rustls).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MEAS=${BENCH_MEASURE:-3}
LOAD_S=${LOAD_SECONDS:-60}
CLIENTS=${LOAD_CLIENTS:-64}
# The shared material sits beside the main checkout; a git worktree finds it
# through the repository's common directory.
SHARED=$ROOT/../shared
if [ ! -d "$SHARED" ]; then
  COMMON=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$ROOT/.git")
  SHARED=$(dirname "$(dirname "$COMMON")")/shared
fi
CORPUS=${KMIP_CORPUS:-$SHARED/oasis}
CRUNS=${CORPUS_RUNS:-3}
PYDIR=${PYKMIP_DIR:-/tmp/pykmip-bench}
PYPORT=${PYKMIP_PORT:-25696}
TD=${CARGO_TARGET_DIR:-$ROOT/target}
PEER_TD=${PEER_TARGET_DIR:-$TD/peer-bench}
OUT=${BENCH_OUT:-$ROOT/reports/bench.md}
PEERS="$SHARED/peers/pykmip"
W=$(mktemp -d /tmp/kmip-bench.XXXXXX)
PY_STARTED=0
cleanup() {
  if [ "$PY_STARTED" = 1 ]; then bash "$PEERS/stop-server.sh" "$PYDIR" >/dev/null 2>&1 || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[bench] $*" >&2; }

# 1. Codec micro-benchmarks (criterion JSON under $PEER_TD/criterion).
log "codec benches (criterion, ${MEAS}s each)"
rm -rf "$PEER_TD/criterion/peers"
CARGO_TARGET_DIR=$PEER_TD cargo bench --manifest-path benches/peer-bench/Cargo.toml -- \
  --measurement-time "$MEAS" --warm-up-time 1 >"$W/criterion.txt" 2>&1 \
  || { tail -30 "$W/criterion.txt" >&2; exit 1; }

# 1b. Instruction counts (callgrind); skipped with a note without valgrind.
if command -v valgrind >/dev/null; then
  log "codec instruction counts (callgrind)"
  PEER_TARGET_DIR=$PEER_TD bash benches/instr.sh "$W/instr.tsv" 2>"$W/instr.log" \
    || { tail -20 "$W/instr.log" >&2; rm -f "$W/instr.tsv"; }
fi

# 2. Corpus replay, release build.
if [ -z "${BENCH_OPENSSL:-}" ]; then
  if pkg-config --exists openssl 2>/dev/null; then BENCH_OPENSSL=1; else BENCH_OPENSSL=0; fi
fi
FEATURES=(); PY_TLS=(--tls-backend rustls)
if [ "$BENCH_OPENSSL" = 1 ]; then FEATURES=(--features openssl); PY_TLS=(--tls-backend openssl); fi
log "release build ${FEATURES[*]:-}"
CARGO_TARGET_DIR=$TD cargo build --release -p kmip-harness "${FEATURES[@]}" >"$W/build.txt" 2>&1 \
  || { tail -30 "$W/build.txt" >&2; exit 1; }
BIN=$TD/release/kmip-harness
for r in $(seq 1 "$CRUNS"); do
  for j in 1 2; do
    if [ -d "$CORPUS" ]; then
      log "corpus replay --jobs $j (run $r of $CRUNS)"
      t0=$(date +%s.%N)
      "$BIN" run --target reference --testcases "$CORPUS" --jobs "$j" --quiet \
        --report-dir "$W/replay-j$j-r$r" >"$W/replay-j$j-r$r.txt" 2>&1 || true
      t1=$(date +%s.%N)
      echo "$t0 $t1" >"$W/replay-j$j-r$r.time"
    fi
  done
done

# 3. Load: PyKMIP (the reference server is measured by benches/load.sh).
if [ -x "$PYDIR/venv/bin/pykmip-server" ] || bash "$PEERS/setup.sh" "$PYDIR" >"$W/pykmip-setup.txt" 2>&1; then
  if bash "$PEERS/start-server.sh" "$PYDIR" "$PYPORT" >"$W/pykmip-start.txt" 2>&1; then
    PY_STARTED=1
    log "load: PyKMIP, $CLIENTS clients, ${LOAD_S}s"
    "$BIN" load --target "127.0.0.1:$PYPORT" --ca "$PYDIR/certs/ca.pem" \
      --cert "$PYDIR/certs/client.pem" --key "$PYDIR/certs/client.key" \
      "${PY_TLS[@]}" --clients "$CLIENTS" --duration "$LOAD_S" --ops create,get,destroy \
      --json "$W/load-pykmip.json" >"$W/load-pykmip.txt" 2>&1 || true
    bash "$PEERS/stop-server.sh" "$PYDIR" >/dev/null 2>&1 || true
    PY_STARTED=0
  fi
fi

log "writing $OUT"
python3 - "$W" "$PEER_TD/criterion" "$OUT" "$CLIENTS" "$LOAD_S" "$MEAS" "$CRUNS" <<'PY'
import json, os, sys, datetime, platform, subprocess, statistics
w, crit, out, clients, load_s, meas, cruns = sys.argv[1:8]
cruns = int(cruns)

def est(group, fn):
    d = os.path.join(crit, group, fn.replace("/", "_"), "new")
    try:
        e = json.load(open(os.path.join(d, "estimates.json")))
        b = json.load(open(os.path.join(d, "benchmark.json")))
    except OSError:
        return None
    ns = e["mean"]["point_estimate"]
    tp = b.get("throughput") or {}
    n = tp.get("Bytes") or tp.get("BytesDecimal")
    return (n / ns * 1e3 if n else None, ns, n)  # MB/s (10^6), ns, bytes

groups = sorted(g for g in os.listdir(os.path.join(crit)) if g.startswith("peers_")) \
    if os.path.isdir(crit) else []
rows = ["header_walk", "ours/view_parse", "ours/view_extract", "ours/view_full",
        "ours/decode", "naive/decode", "ours/encode", "naive/encode", "nlnet/serde_structs"]
label = {
    "header_walk": "strict header walk (ceiling: headers only, no value read)",
    "ours/view_parse": "ours: view::parse (zero-copy, validating) — parse only",
    "ours/view_extract": "ours: view::parse + navigate to the 8 fields NLnet decodes",
    "ours/view_full": "ours: view::parse + full traversal (every item, every leaf read)",
    "ours/decode": "ours: ttlv::decode (owned Item tree, incl. freeing it)",
    "naive/decode": "naive owned-tree decoder (floor, incl. freeing it)",
    "ours/encode": "ours: ttlv::encode (owned tree)",
    "naive/encode": "naive owned-tree encoder (floor)",
    "nlnet/serde_structs": "NLnetLabs kmip-ttlv 0.3.5 (serde structs, decode)",
}
L = []
L.append("# Benchmarks\n")
L.append("Regenerate with ONE command from the repository root: `bash benches/run.sh` "
         "(knobs at the top of the script). Do not edit by hand.\n")
cpu = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
L.append(f"Run: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
         f"{os.cpu_count()} CPUs ({cpu}); load average at the end "
         f"{os.getloadavg()[0]:.1f} (shared machine: other builds may run). "
         f"Criterion measurement time {meas} s per bench.\n")
L.append("## TTLV codec throughput\n")
L.append("MB/s = 10^6 bytes of encoded message per second (criterion mean), in this "
         "process only, one thread; the machine's other load shares the cores, so compare "
         "rows of one run. What each row includes is in its label: *parse only* rows "
         "validate and index but read no value; *full traversal* reads every value; the "
         "owned-tree rows include dropping the tree (criterion drops the output inside "
         "the timed loop).\n")
ratios = {}
for g in groups:
    L.append(f"### {g.replace('peers_', '')}\n")
    L.append("| decoder | MB/s | time per message |")
    L.append("|---|---:|---:|")
    vals = {}
    for r in rows:
        v = est(g, r)
        if v is None:
            continue
        mbs, ns, n = v
        vals[r] = mbs
        t = f"{ns:.0f} ns" if ns < 1e5 else f"{ns/1e6:.2f} ms"
        L.append(f"| {label[r]} | {mbs:,.0f} | {t} |")
    L.append("")
    ratios[g] = vals
L.append("### Ratios (MB/s)\n")
L.append("| message | view parse only / NLnet | view full traversal / NLnet | tree decode / NLnet | "
         "view full traversal / header walk |")
L.append("|---|---:|---:|---:|---:|")
for g, v in ratios.items():
    def r(a, b):
        return f"{v[a]/v[b]:.2f}x" if a in v and b in v and v[b] else "n/a"
    L.append(f"| {g.replace('peers_', '')} | {r('ours/view_parse','nlnet/serde_structs')} | "
             f"{r('ours/view_full','nlnet/serde_structs')} | "
             f"{r('ours/decode','nlnet/serde_structs')} | {r('ours/view_full','header_walk')} |")
L.append("\nOn the 1 MiB Register the header walk and the view skip the 1 MiB value "
         "(constant time), so their MB/s only says that they do not copy it.\n")

L.append("## TTLV codec: instructions per call (callgrind)\n")
tsv = os.path.join(w, "instr.tsv")
if os.path.exists(tsv):
    L.append("`bash benches/instr.sh`: each contender runs N times in its own process under "
             "valgrind callgrind, and once with N = 0 (same setup); (Ir(N) - Ir(0)) / N is one "
             "call. Instruction counts do not depend on the machine's other load. Every decode "
             "includes freeing what it built. All rows of a message come from the same run, "
             "on the same bytes.\n")
    ir = {}
    sizes = {}
    for line in open(tsv).read().splitlines()[1:]:
        c, op, b, n = line.split("\t")
        ir.setdefault(c, {})[op] = int(n)
        sizes[c] = b
    ops = [("header_walk", "strict header walk (ceiling)"),
           ("header_walk_lax", "lax header walk (bounds only, as first measured)"),
           ("view_parse", "ours: view::parse — parse only"),
           ("view_full", "ours: view::parse + full traversal (every leaf read)"),
           ("decode", "ours: ttlv::decode (owned Item tree)"),
           ("naive_decode", "naive owned-tree decoder (floor)"),
           ("encode", "ours: ttlv::encode"),
           ("naive_encode", "naive encoder (floor)"),
           ("nlnet_decode", "NLnetLabs kmip-ttlv 0.3.5 decode (serde structs)")]
    cases = list(ir)
    L.append("| contender | " + " | ".join(f"{c} ({sizes[c]} B)" for c in cases) + " |")
    L.append("|---|" + "---:|" * len(cases))
    for op, lab in ops:
        L.append(f"| {lab} | " + " | ".join(f"{ir[c].get(op, 0):,}" for c in cases) + " |")
    def ratio(c, a, b):
        x, y = ir[c].get(a), ir[c].get(b)
        return f"{x / y:.2f}" if x and y else "n/a"
    L.append("")
    L.append("| target (issue 16) | " + " | ".join(cases) + " |")
    L.append("|---|" + "---:|" * len(cases))
    L.append("| naive decode / our decode (target ≥ 2.00) | "
             + " | ".join(ratio(c, "naive_decode", "decode") for c in cases) + " |")
    L.append("| naive encode / our encode (target ≥ 1.00) | "
             + " | ".join(ratio(c, "naive_encode", "encode") for c in cases) + " |")
    L.append("| view full traversal speed / header walk speed = walk Ir / view Ir (target ≥ 0.40) | "
             + " | ".join(ratio(c, "header_walk", "view_full") for c in cases) + " |")
    L.append("| view parse only speed / header walk speed | "
             + " | ".join(ratio(c, "header_walk", "view_parse") for c in cases) + " |")
    L.append("| NLnet decode Ir / view full traversal Ir | "
             + " | ".join(ratio(c, "nlnet_decode", "view_full") for c in cases) + " |")
    L.append("")
else:
    L.append("Not measured in this run (valgrind missing or benches/instr.sh failed).\n")

L.append("## Full OASIS corpus replay (reference server, in-process, release build)\n")
L.append(f"`kmip-harness run --target reference --testcases CORPUS --jobs J`, {cruns} runs per "
         "J, alternating J = 1 and J = 2; wall time of the whole command (process start, every "
         "case, reports). The server runs in the harness process; cases of different jobs run "
         "in parallel against it.\n")
L.append("| jobs | median wall time | each run | cases | passed | failed/error |")
L.append("|---:|---:|---|---:|---:|---:|")
med = {}
for j in (1, 2):
    times = []
    cases = passed = bad = "?"
    for r in range(1, cruns + 1):
        tf = os.path.join(w, f"replay-j{j}-r{r}.time")
        if not os.path.exists(tf):
            continue
        t0, t1 = map(float, open(tf).read().split())
        times.append(t1 - t0)
        try:
            res = json.load(open(os.path.join(w, f"replay-j{j}-r{r}", "results.json")))
            tot = res.get("totals", {})
            passed = tot.get("passed", 0)
            bad = tot.get("failed", 0) + tot.get("errors", 0)
            cases = passed + bad + tot.get("skipped", 0)
        except (OSError, ValueError):
            pass
    if not times:
        L.append(f"| {j} | corpus not found | | | | |"); continue
    med[j] = statistics.median(times)
    L.append(f"| {j} | {med[j]:.2f} s | " + ", ".join(f"{t:.2f}" for t in times)
             + f" | {cases} | {passed} | {bad} |")
if 1 in med and 2 in med:
    L.append(f"\n--jobs 2 / --jobs 1 (medians): {med[2] / med[1]:.2f} of the time "
             f"({'faster' if med[2] < med[1] else 'NOT faster'}).\n")
L.append("")
L.append(f"## Load: PyKMIP, Create + Get + Destroy, {clients} clients, {load_s} s "
         "(`kmip-harness load`)\n")
L.append("| server | ops/s | ok | failed | lost | create p50/p99 ms | get p50/p99 ms | "
         "destroy p50/p99 ms |")
L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, f in (("PyKMIP 0.11.0 (separate process, sqlite)", "load-pykmip.json"),):
    p = os.path.join(w, f)
    if not os.path.exists(p):
        txt = os.path.join(w, f.replace(".json", ".txt"))
        why = open(txt).read().strip().splitlines()[-1:] if os.path.exists(txt) else ["not run"]
        L.append(f"| {name} | not measured: {why[0] if why else ''} | | | | | | |"); continue
    d = json.load(open(p))
    def pp(op):
        s = d["per_op"].get(op)
        return f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}" if s else "n/a"
    L.append(f"| {name} | {d['ops_per_sec']:,.0f} | {d['ok']} | {d['failed']} | {d['lost']} | "
             f"{pp('create')} | {pp('get')} | {pp('destroy')} |")
L.append("\nops/s counts every successful operation (a cycle is 3). The reference "
         "server's figures, in its own process at 1, 8 and 64 clients, are in the next "
         "section (benches/load.sh).\n")
for f in ("load-pykmip.txt",):
    p = os.path.join(w, f)
    if os.path.exists(p):
        L.append(f"<details><summary>{f}</summary>\n\n```\n{open(p).read().strip()}\n```\n</details>\n")
open(out, "w").write("\n".join(L) + "\n")
PY
# 4. The reference server in its own process (appends its section).
log "load: reference server in its own process"
BIN=$BIN LOAD_SECONDS=${REF_LOAD_SECONDS:-10} BENCH_OUT=$OUT bash benches/load.sh
log "done: $OUT"
