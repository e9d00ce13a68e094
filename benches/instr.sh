#!/usr/bin/env bash
# benches/instr.sh — TTLV codec cost in INSTRUCTIONS PER CALL (valgrind
# callgrind), stable on a noisy shared machine where wall-clock MB/s is not.
# From the repository root:
#
#     bash benches/instr.sh [OUT.tsv]      # default: stdout
#
# For every message (get_response: 312-byte Get response; create_request:
# KMIP 2.1 Create; locate_response: Locate response with 64 identifiers)
# and every contender (header_walk, view_parse, view_full, decode, encode,
# naive_decode, naive_encode, nlnet_decode; see
# benches/peer-bench/src/bin/instr.rs), the driver runs once with N=0 calls
# and once with N calls under callgrind; (Ir(N) - Ir(0)) / N is one call's
# instruction count. Each call's result is dropped inside the loop, so a
# decode includes freeing what it built. All contenders are measured in the
# same run, on the same bytes, in one process each (nothing else shares it).
#
# Knobs: INSTR_CALLS (N, default 2000), CARGO_TARGET_DIR (default target;
# the driver is built in $CARGO_TARGET_DIR/peer-bench, release profile).
# Output: TSV lines `case<TAB>op<TAB>bytes<TAB>instructions_per_call`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${INSTR_CALLS:-2000}
TD=${CARGO_TARGET_DIR:-$ROOT/target}
PEER_TD=${PEER_TARGET_DIR:-$TD/peer-bench}
OUT=${1:-/dev/stdout}
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
CARGO_TARGET_DIR=$PEER_TD cargo build --release --quiet \
  --manifest-path benches/peer-bench/Cargo.toml --bin instr >&2
BIN=$PEER_TD/release/instr

# Ir (instructions executed) of one run of the driver.
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$@" 2>&1 >/dev/null \
    | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

CASES="get_response create_request locate_response"
OPS="header_walk header_walk_lax view_parse view_full decode encode naive_decode naive_encode nlnet_decode"
{
  printf 'case\top\tbytes\tinstructions_per_call\n'
  for c in $CASES; do
    bytes=$("$BIN" "$c" header_walk 0 | awk '{print $3}')
    for op in $OPS; do
      base=$(ir "$c" "$op" 0)
      full=$(ir "$c" "$op" "$N")
      [ -n "$base" ] && [ -n "$full" ] || { echo "callgrind gave no count for $c $op" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\n' "$c" "$op" "$bytes" $(( (full - base) / N ))
      echo "[instr] $c $op: $(( (full - base) / N ))" >&2
    done
  done
} >"$OUT"
