#!/usr/bin/env bash
# `rnnsuite verify --impl PLUGIN`: rnnsuite's lib through the plugin ABI gets exactly lib's
# verdicts and ratios (networks and variable-length batches, which ABI 1 lacks, UNSUPPORTED); a plugin that crashes or hangs FAILs its problems and the matrix finishes;
# one built for another ABI, or one returning an error, exits 2 with a line naming it.
# Usage: cli_plugins.sh RNNSUITE LIB_PLUGIN FIXTURE_DIR [LIB_QUICK_JSON]
# LIB_QUICK_JSON: the JSON of `rnnsuite verify --profile quick` on lib (ctest's verify_quick
# writes it); without it, quick runs on lib here first.
set -u
rnnsuite=$1 lib_plugin=$2 fixtures=$3 lib_json=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures+1)); }

# 1. lib directly and lib through the plugin: the same verdict and error/tolerance ratio for every
#    result of quick (the plugin runs lib's default instruction set, the rows lib's run lists first).
if [ -n "$lib_json" ]; then
  status_lib=0
  [ -s "$lib_json" ] || fail "no record of quick on lib: '$lib_json' is missing or empty (ctest runs verify_quick first)"
  cp "$lib_json" "$work/lib.json" 2>/dev/null
else
  "$rnnsuite" verify --profile quick --jobs 2 --json "$work/lib.json" >/dev/null 2>&1
  status_lib=$?
fi
"$rnnsuite" verify --profile quick --jobs 2 --impl "$lib_plugin" --json "$work/plugin.json" \
  >/dev/null 2>"$work/plugin.err"
status_plugin=$?
[ "$status_lib" -eq 0 ] || fail "verify of lib exited $status_lib"
[ "$status_plugin" -eq "$status_lib" ] || fail "verify of the lib plugin exited $status_plugin: $(cat "$work/plugin.err")"
python3 - "$work/lib.json" "$work/plugin.json" <<'PY' || failures=$((failures+1))
import json, sys
lib, plugin = (json.load(open(f)) for f in sys.argv[1:3])
fast = [r for r in lib["results"] if r["leg"] == "fast"]
default_isa = fast[0]["isa"]
direct = {r["problem"]: r for r in fast if r["isa"] == default_isa}
through = {r["problem"]: r for r in plugin["results"] if r["leg"] == "fast"}
assert plugin["implementation"] == "rnnsuite lib", plugin["implementation"]
assert direct.keys() == through.keys(), set(direct) ^ set(through)
# The C ABI (version 1) runs single layers: a network is UNSUPPORTED, saying so.
import re
networks = [p for p in direct if re.search(r"_l[0-9]+_|_bi_", p.split("/")[1])]
assert networks, "the quick profile has no network"
for p in networks:
    assert through[p]["verdict"] == "UNSUPPORTED" and "plugin C ABI runs single layers" in through[p]["note"], (p, through[p])
# Nor has it sequence lengths (issue 26): a `_len<rule>` single layer is UNSUPPORTED too.
packed = [p for p in direct if p not in networks and re.search(r"_len(u[0-9]+|x|f)_", p.split("/")[1])]
assert packed, "the quick profile has no variable-length single layer"
for p in packed:
    assert through[p]["verdict"] == "UNSUPPORTED" and "has no sequence lengths" in through[p]["note"], (p, through[p])
differ = [p for p in direct if p not in networks and p not in packed
          and (direct[p]["verdict"], direct[p]["worst_ratio"], direct[p]["checks"])
          != (through[p]["verdict"], through[p]["worst_ratio"], through[p]["checks"])]
assert not differ, f"{len(differ)} results differ, e.g. {differ[0]}: {direct[differ[0]]} vs {through[differ[0]]}"
print(f"ok: lib through the plugin: {len(through) - len(networks) - len(packed)} fast results, the same verdicts and ratios as lib on {default_isa}; {len(networks)} networks and {len(packed)} variable-length layers UNSUPPORTED by the ABI")
PY

# 2. A plugin that crashes in backward: every problem of the run FAILs naming SIGSEGV, the rest
#    of the matrix still runs (the summary line counts every unit), exit 1.
out=$("$rnnsuite" verify --impl "$fixtures/librnnsuite_fixture_crash_in_backward.so" \
      --problem gru_t5_b2_i3_h4_f32 --jobs 2 2>/dev/null); status=$?
[ "$status" -eq 1 ] || fail "crashing plugin: exit $status, expected 1"
crashes=$(printf '%s\n' "$out" | grep -c "FAIL .*SIGSEGV")
units=$(printf '%s\n' "$out" | grep -c "^gru_.* fast ")
[ "$crashes" -ge 2 ] && [ "$crashes" -eq "$units" ] \
  || fail "crashing plugin: $crashes FAIL lines naming SIGSEGV of $units fast rows: $out"
printf '%s\n' "$out" | grep -q "leg results in" || fail "crashing plugin: the matrix did not finish"
[ "$failures" -eq 0 ] && echo "ok: crashing plugin: $crashes FAIL lines naming SIGSEGV, matrix finished"

# 3. A plugin that hangs: FAIL naming the timeout, exit 1, in about --timeout seconds per problem.
out=$("$rnnsuite" verify --impl "$fixtures/librnnsuite_fixture_hang_in_forward.so" \
      --problem elman_relu_t3_b1_i2_h2_f64 --regime elman_relu_edge --timeout 1 2>/dev/null)
status=$?
[ "$status" -eq 1 ] || fail "hanging plugin: exit $status, expected 1"
printf '%s\n' "$out" | grep -q "FAIL .*no answer within 1 s" \
  || fail "hanging plugin: no FAIL naming the timeout: $out"

# 4. Built for ABI 2, or erring: exit 2, and a line naming the plugin (and the problem).
expect_exit_2() {
  local what=$1 fragment=$2; shift 2
  local err status
  err=$("$rnnsuite" verify "$@" 2>&1 >/dev/null); status=$?
  [ "$status" -eq 2 ] || { fail "$what: exit $status, expected 2"; return; }
  case "$err" in *"$fragment"*) echo "ok: $what -> $(printf '%s' "$err" | head -1)" ;;
    *) fail "$what: message lacks '$fragment': $err" ;; esac
}
abi2="$fixtures/librnnsuite_fixture_abi_major_2.so"
expect_exit_2 "wrong ABI" "$abi2" --impl "$abi2" --problem gru_t5_b2_i3_h4_f32
[ "$("$rnnsuite" verify --impl "$abi2" --problem gru_t5_b2_i3_h4_f32 2>&1 >/dev/null | wc -l)" -eq 1 ] \
  || fail "wrong ABI: more than one line"
expect_exit_2 "wrong ABI" "ABI 2" --impl "$abi2" --problem gru_t5_b2_i3_h4_f32
expect_exit_2 "no entry symbol" "rnnsuite_plugin_entry" \
  --impl "$fixtures/librnnsuite_fixture_no_entry.so" --problem gru_t5_b2_i3_h4_f32
expect_exit_2 "erring plugin" "gru_update_0/gru_t5_b2_i3_h4_f32" \
  --impl "$fixtures/librnnsuite_fixture_internal_error.so" --problem gru_t5_b2_i3_h4_f32
expect_exit_2 "erring plugin" "RNNSUITE_INTERNAL" \
  --impl "$fixtures/librnnsuite_fixture_internal_error.so" --problem gru_t5_b2_i3_h4_f32

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "all plugin cases passed"
