#!/usr/bin/env bash
# Run the kmip-protocol driver through every OASIS client-profile case of
# the given corpus versions under `kmip-harness client-test`, one case at a
# time, and write the per-profile table.
#
# usage: run-oasis.sh [VERSION...]          (default: v1.0 v1.4 v2.1)
# env:   KH_HARNESS  kmip-harness binary      (default: target/debug/kmip-harness)
#        KMIP_CORPUS OASIS corpus folder       (default: ../shared/oasis)
#        KH_DRIVER   driver binary             (default: this folder's release build)
#        OUT         output folder             (default: $TMPDIR/kh-nlclient-oasis)
# output: $OUT/cases.tsv (version, profile, case, verdict, detail) and
#         $OUT/table.md (per version and profile: pass / fail / client error /
#         cannot express). Verdicts: pass and fail are the harness's
#         (results.json; fail detail = first lines of the request diff or the
#         reason); "client error" = the driver exited 1 while the harness saw
#         no request diff (the client failed on a response); "cannot express"
#         = the driver exited 3 (its stdout line is the detail).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
H="${KH_HARNESS:-$ROOT/target/debug/kmip-harness}"
CORPUS="${KMIP_CORPUS:-$ROOT/../shared/oasis}"
D="${KH_DRIVER:-$HERE/target/release/kh-driver-kmip-protocol}"
OUT="${OUT:-${TMPDIR:-/tmp}/kh-nlclient-oasis}"
VERSIONS=("$@"); [ ${#VERSIONS[@]} -eq 0 ] && VERSIONS=(v1.0 v1.4 v2.1)
for f in "$H" "$D"; do [ -x "$f" ] || { echo "missing $f (build it first)" >&2; exit 2; }; done
mkdir -p "$OUT"; CERTS="$OUT/certs"; : > "$OUT/cases.tsv"

run_case() { # version profile case file encoding transport
  local v=$1 prof=$2 id=$3 file=$4 enc=$5 tr=$6 w="$OUT/w/$1/$3"
  rm -rf "$w"; mkdir -p "$w"
  "$H" client-test --listen 127.0.0.1:0 --testcases "$file" --case "$id" \
    --idle-timeout 3 --cert-dir "$CERTS" --ready-file "$w/ready" --report-dir "$w/rep" \
    >"$w/harness.out" 2>"$w/harness.err" &
  local hp=$!
  for _ in $(seq 300); do [ -s "$w/ready" ] && break; sleep 0.1; done
  local port; port=$(cut -d: -f2 "$w/ready")
  KH_CASE_ID=$id KH_CASE_FILE=$file KH_HOST=127.0.0.1 KH_PORT=$port \
    KH_CA=$CERTS/ca.pem KH_CERT=$CERTS/client.pem KH_KEY=$CERTS/client-key.pem \
    KH_PROTOCOL_VERSION=${v#v} KH_ENCODING=$enc KH_TRANSPORT=$tr \
    timeout 120 "$D" >"$w/driver.out" 2>"$w/driver.err"
  local rc=$?
  if [ $rc -eq 3 ]; then kill "$hp" 2>/dev/null; fi
  wait "$hp" 2>/dev/null
  local verdict detail
  verdict=$(python3 - "$w/rep/results.json" "$rc" "$w/driver.out" <<'EOF'
import json, sys
path, rc, dout = sys.argv[1], int(sys.argv[2]), sys.argv[3]
last = (open(dout).read().strip().splitlines() or [""])[-1]
if rc == 3:
    print("cannot express\t" + last); sys.exit()
try:
    c = json.load(open(path))["cases"][0]
except Exception as e:
    print(f"driver error\trc={rc}: {last}"); sys.exit()
st = c.get("status")
diff = (c.get("divergence") or {}).get("diff") or ""
if st == "pass" and rc == 0:
    print("pass\t"); sys.exit()
if diff:
    lines = [l for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))][:2]
    print("fail\t" + (c.get("reason") or "") + " | " + " / ".join(l.strip() for l in lines)); sys.exit()
if rc == 1:
    print("client error\t" + last + " | harness: " + (c.get("reason") or st)); sys.exit()
print(f"fail\tdriver rc={rc}: {last} | harness: " + (c.get("reason") or str(st)))
EOF
)
  printf '%s\t%s\t%s\t%s\n' "$v" "$prof" "$id" "$verdict" >> "$OUT/cases.tsv"
  echo "$v $prof $id: ${verdict%%$'\t'*}"
}

for v in "${VERSIONS[@]}"; do
  for pf in "$ROOT"/profiles/"$v"/*-client-*.yaml; do
    prof=$(basename "$pf" .yaml)
    enc=ttlv; tr=tls
    case "$prof" in XML-*) enc=xml;; JSON-*) enc=json;; HTTPS-*) tr=https;; esac
    for id in $(python3 -c 'import sys,yaml; d=yaml.safe_load(open(sys.argv[1])); print(" ".join((d.get("mandatory") or [])+(d.get("optional") or [])))' "$pf"); do
      file=$(ls "$CORPUS/$v"/*/"$id.xml" 2>/dev/null | head -1)
      [ -n "$file" ] || { printf '%s\t%s\t%s\tmissing\t\n' "$v" "$prof" "$id" >> "$OUT/cases.tsv"; continue; }
      run_case "$v" "$prof" "$id" "$file" "$enc" "$tr"
    done
  done
done

python3 - "$OUT/cases.tsv" > "$OUT/table.md" <<'EOF'
import sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
cols = ["pass", "fail", "client error", "cannot express", "driver error", "missing"]
by = collections.OrderedDict()
for v, p, c, verdict, *rest in rows:
    by.setdefault((v, p), collections.Counter())[verdict] += 1
print("| version | profile | cases | " + " | ".join(cols) + " |")
print("|---|---|---|" + "---|" * len(cols))
for (v, p), cnt in by.items():
    print(f"| {v} | {p} | {sum(cnt.values())} | " + " | ".join(str(cnt[k]) for k in cols) + " |")
EOF
cat "$OUT/table.md"
