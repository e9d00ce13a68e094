#!/usr/bin/env bash
# fuzz/run-bounded.sh — bounded coverage-guided fuzz run of every target
# (used by .ci/run when `cargo fuzz` is installed). Total fuzzing time is
# FUZZ_TOTAL_S (default 100 s) split evenly over the targets; the build is
# done first (cached in fuzz/target after the first run).
#
# Works on stable Rust: without a nightly toolchain it sets RUSTC_BOOTSTRAP=1
# and builds with `-s none` (no sanitizer: panics, aborts, timeouts, OOMs and
# infinite recursion are still caught; memory errors would be only in
# `unsafe` code, which the workspace forbids).
#
# Seeds: fuzz/corpus/<target>/ (git-ignored; created here from the OASIS
# corpus when $KMIP_CORPUS or ../shared/oasis exists — never committed).
# Exit status: non-zero when any target found a crash (input kept in
# fuzz/artifacts/<target>/).
set -euo pipefail
cd "$(dirname "$0")"
TOTAL=${FUZZ_TOTAL_S:-100}
TARGETS=(ttlv_decode xml_parse json_parse testcase_load server_handle)
PER=$(( TOTAL / ${#TARGETS[@]} )); [ "$PER" -ge 1 ] || PER=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz not installed: cargo install cargo-fuzz (or run the stable fallback:" >&2
  echo "  KMIP_FUZZ_MS=20000 cargo test -p kmip-ttlv --test fuzz_corpus; KMIP_FUZZ_MS=20000 cargo test --test hostile_fuzz)" >&2
  exit 2
fi
TOOLCHAIN=()
SAN=(-s none)
# FUZZ_TARGET_DIR: cargo target dir for the fuzz build (default fuzz/target).
if [ -n "${FUZZ_TARGET_DIR:-}" ]; then SAN+=(--target-dir "$FUZZ_TARGET_DIR"); fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  TOOLCHAIN=(+nightly); SAN=("${SAN[@]:2}")
else
  export RUSTC_BOOTSTRAP=1
fi
# Seed corpora from the OASIS XML (outside git: fuzz/corpus is ignored).
CORPUS=${KMIP_CORPUS:-../../shared/oasis}
if [ -d "$CORPUS" ]; then
  for t in xml_parse testcase_load; do
    mkdir -p "corpus/$t"
    if [ -z "$(ls -A "corpus/$t")" ]; then
      seeds=$( (find "$CORPUS" -name '*.xml' | sort | head -200) || true)
      for f in $seeds; do cp "$f" "corpus/$t/$(basename "$f")"; done
    fi
  done
fi
cargo "${TOOLCHAIN[@]}" fuzz build "${SAN[@]}" >/dev/null
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t (${PER}s)"
  if ! cargo "${TOOLCHAIN[@]}" fuzz run "${SAN[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$PER" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 2>"/tmp/fuzz-$t.log"; then
    echo "!! $t: crash, see fuzz/artifacts/$t/ and /tmp/fuzz-$t.log"; status=1
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "/tmp/fuzz-$t.log" || true
done
exit $status
