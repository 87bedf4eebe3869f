#!/usr/bin/env bash
# The PyTorch round trip (docs/verifying-pytorch.md): in every regime family of the quick profile,
# at that profile's problem size, in float32 and float64, `rnnsuite run --regime --dump` writes
# the inputs, scripts/torch-dump runs torch.nn.RNN / LSTM / GRU on them, and `rnnsuite check`
# grades PyTorch's forward and gradients. Every dump must be graded (exit 0 or 1, never 2), and
# its verdict must be the one recorded in pytorch_expected.txt: PyTorch passes everywhere except
# the findings listed there, so a new failure, or a finding that went away, fails this test.
#   check_pytorch.sh RNNSUITE TORCH_DUMP EXPECTED [TABLE.md]
set -u
rnnsuite=$1 torch_dump=$2 expected=$3 table=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# Two problems per family: the quick profile's first, and its first of another batch size, each
# without its execution's tags.
names=$("$rnnsuite" verify --profile quick --precision f32 --list) || { echo "FAIL: verify --list"; exit 1; }
declare -A seen
pairs=() cases=()
while read -r name; do
  family=${name%%/*} rest=${name#*/}
  descriptor=${rest%%+*}
  batch=${descriptor#*_b} batch=${batch%%_*}
  [ -n "${seen[$family]:-}" ] && { [ "${seen[$family]}" = done ] || [ "${seen[$family]}" = "$batch" ]; } && continue
  if [ -n "${seen[$family]:-}" ]; then seen[$family]=done; else seen[$family]=$batch; fi
  for precision in f32 f64; do
    d="${descriptor%_f32}_$precision" dir="$work/$family-$d"
    "$rnnsuite" run --problem "$d" --regime "$family" --seed 7 --repeat 1 --dump "$dir.in" >/dev/null \
      || { echo "FAIL: rnnsuite run --problem $d --regime $family"; exit 1; }
    pairs+=("$dir.in" "$dir.torch")
    cases+=("$family $d")
  done
done <<< "$names"
[ "${#cases[@]}" -ge 40 ] || { echo "FAIL: only ${#cases[@]} problems from the quick profile"; exit 1; }
"$torch_dump" "${pairs[@]}" || { echo "FAIL: scripts/torch-dump"; exit 1; }

results="$work/results.txt"
: > "$results"
for c in "${cases[@]}"; do
  read -r family d <<< "$c"
  dir="$work/$family-$d.torch"
  cell_option=()
  case "$d" in elman_*) cell_option=(--cell "${d%%_t[0-9]*}") ;; esac
  "$rnnsuite" check "$dir" "${cell_option[@]}" --json "$dir.json" > "$dir.out" 2>&1
  status=$?
  if [ "$status" -gt 1 ]; then
    echo "FAIL: rnnsuite check on PyTorch's $family $d exited $status:"; cat "$dir.out"
    failures=$((failures + 1)); continue
  fi
  verdict=$([ "$status" -eq 0 ] && echo PASS || echo FAIL)
  echo "$family $d $verdict" >> "$results"
  [ "$status" -eq 1 ] && sed 's/^/    /' "$dir.out"
done
sort "$results" > "$results.sorted"
if ! diff <(grep -v '^#' "$expected" | sed '/^$/d' | sort) "$results.sorted" > "$work/diff"; then
  echo "FAIL: verdicts differ from $expected (< expected, > graded now):"
  cat "$work/diff"
  failures=$((failures + 1))
fi
echo "graded ${#cases[@]} PyTorch dumps: $(grep -c ' PASS$' "$results") PASS, $(grep -c ' FAIL$' "$results") FAIL"

if [ -n "$table" ]; then
  /usr/bin/python3 - "$work" "$table" "${cases[@]}" <<'EOF'
import json, sys
work, table, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = ["| regime family | problem | forward | worst err/tol (at) | backward | worst err/tol (at) |",
        "|---|---|---|---|---|---|"]
for c in cases:
    family, d = c.split()
    j = json.load(open(f"{work}/{family}-{d}.torch.json"))
    legs = {r["leg"]: r for r in j["results"]}
    def cell(leg):
        r = legs.get(leg)
        if r is None:
            return ["-", "-"]
        at = r["worst_block"] + (f" t={r['worst_step']}" if r["worst_step"] >= 0 else "")
        return [r["verdict"], f"{r['worst_ratio']:.3g} ({at})"]
    rows.append("| " + " | ".join([family, f"`{d}`"] + cell("forward") + cell("fast")) + " |")
open(table, "w").write("\n".join(rows) + "\n")
EOF
  echo "table written to $table"
fi
[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
