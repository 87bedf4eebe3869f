#!/usr/bin/env bash
# The example plugin, built out of tree against the *installed* rnnsuite (issue 23, item 4):
#   1. `cmake --install` this build tree into a temporary prefix (nothing is rebuilt);
#   2. the installed files are where docs/installing.md says, and only those headers;
#   3. the pkg-config files give working flags (a C file with <rnnsuite/plugin.h>; a C++ program
#      linked against librnnsuite.a);
#   4. a CMake project links rnnsuite::lib from the package (which must not need xsimd);
#   5. examples/plugin configures with find_package(rnnsuite) and builds warning-free (-Werror),
#      exporting one symbol, and answers declined requests and wrong arguments as the ABI says
#      (example_plugin_abi.cpp, calling it directly);
#   6. the installed `rnnsuite verify --impl <plugin> --profile quick` exits 0 on the plugin, and
#      1 with a FAIL line on its planted-bug copy (quick's GRU problems, where the bug is);
#   7. the installed rnnsuite-bench (when built) times the plugin beside rnnsuite and oneDNN.
# Usage: example_plugin.sh CMAKE BUILD_DIR EXAMPLE_SOURCE_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 CMAKE BUILD_DIR EXAMPLE_SOURCE_DIR" >&2
  exit 2
fi
cmake_command=$1
build_dir=$2
example_source=$3

# The build's compiler and flags (examples/CMakeLists.txt sets them; a sanitizer build's installed
# library links only with the same runtime), and the time one verify run may take.
cxx=${RNNSUITE_TEST_CXX:-c++}
cxxflags=${RNNSUITE_TEST_CXXFLAGS:-}
ldflags=${RNNSUITE_TEST_LDFLAGS:-}
verify_seconds=${RNNSUITE_TEST_VERIFY_SECONDS:-200}
read -r -a cxxflag_list <<<"$cxxflags"
read -r -a ldflag_list <<<"$ldflags"

work=$(mktemp -d "${TMPDIR:-/tmp}/rnnsuite-example-plugin.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

step() { echo "== $*"; }
fail() {
  echo "FAILED: $*" >&2
  exit 1
}
# Runs a command with its output in a log, shown only when it fails.
quietly() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$*"
  fi
}

step "1. cmake --install $build_dir --prefix $prefix"
quietly "$work/install.log" "$cmake_command" --install "$build_dir" --prefix "$prefix"

step "2. installed files"
config=$(find "$prefix" -path '*/cmake/rnnsuite/rnnsuiteConfig.cmake' | head -n 1)
[[ -n $config ]] || fail "no rnnsuiteConfig.cmake under $prefix"
libdir=$(dirname "$(dirname "$(dirname "$config")")")
for file in bin/rnnsuite libexec/rnnsuite/rnnsuite-plugin-runner include/rnnsuite/plugin.h \
  include/rnn/layer.hpp include/rnn/problem.hpp; do
  [[ -e $prefix/$file ]] || fail "$prefix/$file was not installed"
done
for file in librnnsuite.a cmake/rnnsuite/rnnsuiteConfigVersion.cmake \
  cmake/rnnsuite/rnnsuiteTargets.cmake pkgconfig/rnnsuite.pc pkgconfig/rnnsuite-plugin-api.pc \
  rnnsuite/librnnsuite_lib_plugin.so; do
  [[ -e $libdir/$file ]] || fail "$libdir/$file was not installed"
done
# implementations/ and verify/ have no public C++ API yet: plugin.h is the only rnnsuite/ header.
extra=$(find "$prefix/include/rnnsuite" -type f ! -name plugin.h)
[[ -z $extra ]] || fail "headers that are not a public API were installed: $extra"

step "3. pkg-config"
export PKG_CONFIG_PATH=$libdir/pkgconfig
printf '#include <rnnsuite/plugin.h>\nint main(void) { return RNNSUITE_PLUGIN_ABI_MAJOR == 1 ? 0 : 1; }\n' \
  >"$work/abi.c"
# shellcheck disable=SC2046  # pkg-config prints several flags, split on purpose
quietly "$work/abi_c.log" cc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags rnnsuite-plugin-api) \
  "$work/abi.c" -o "$work/abi_c"
"$work/abi_c" || fail "a C program with rnnsuite/plugin.h from pkg-config did not run"
cat >"$work/problem.cpp" <<'EOF'
#include <rnn/problem.hpp>
int main() {
  const char* name = "lstm_t128_b16_i512_h512_f32";
  return rnn::format_problem(rnn::parse_problem(name)) == name ? 0 : 1;
}
EOF
# shellcheck disable=SC2046
quietly "$work/lib_pc.log" "$cxx" -std=c++20 -Wall -Wextra -Werror "${cxxflag_list[@]}" \
  "$work/problem.cpp" $(pkg-config --cflags --libs rnnsuite) "${ldflag_list[@]}" -o "$work/problem_pc"
"$work/problem_pc" || fail "a program linked with pkg-config's rnnsuite flags did not run"

step "4. find_package(rnnsuite) and rnnsuite::lib"
mkdir -p "$work/lib-consumer"
cp "$work/problem.cpp" "$work/lib-consumer/"
cat >"$work/lib-consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(rnnsuite_lib_consumer LANGUAGES CXX)
find_package(rnnsuite 0.1 REQUIRED)
add_executable(problem problem.cpp)
target_compile_features(problem PRIVATE cxx_std_20)
target_link_libraries(problem PRIVATE rnnsuite::lib)
EOF
quietly "$work/lib_cmake.log" "$cmake_command" -S "$work/lib-consumer" -B "$work/lib-consumer/build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$cxxflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
quietly "$work/lib_build.log" "$cmake_command" --build "$work/lib-consumer/build"
"$work/lib-consumer/build/problem" || fail "a CMake project linked with rnnsuite::lib did not run"

step "5. examples/plugin against the installed package"
plugin_build=$work/plugin-build
quietly "$work/plugin_cmake.log" "$cmake_command" -S "$example_source" -B "$plugin_build" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-Werror $cxxflags"
found=$(sed -n 's/^rnnsuite_DIR:PATH=//p' "$plugin_build/CMakeCache.txt")
[[ $found == "$prefix"/* ]] || fail "the example found rnnsuite at $found, not in $prefix"
quietly "$work/plugin_build.log" "$cmake_command" --build "$plugin_build" -j 2
plugin=$plugin_build/librnnsuite_example_plugin.so
mutant=$plugin_build/librnnsuite_example_plugin_mutant.so
for so in "$plugin" "$mutant"; do
  exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }')
  [[ $exported == rnnsuite_plugin_entry ]] || fail "$so exports '$exported', not rnnsuite_plugin_entry alone"
done

step "5b. the plugin's answers to declined requests and wrong arguments (example_plugin_abi.cpp)"
# shellcheck disable=SC2046
quietly "$work/abi_build.log" "$cxx" -std=c++20 -Wall -Wextra -Werror "${cxxflag_list[@]}" \
  $(pkg-config --cflags rnnsuite-plugin-api) "$(dirname "$0")/example_plugin_abi.cpp" -ldl \
  "${ldflag_list[@]}" -o "$work/example_plugin_abi"
quietly "$work/abi_run.log" "$work/example_plugin_abi" "$plugin"
tail -n 1 "$work/abi_run.log"

# Runs the installed rnnsuite verify's quick profile on one plugin (extra arguments added), prints
# its summary and sets verify_status; the run must name the plugin as the implementation under test.
verify() {
  local so=$1 out=$2
  shift 2
  set +e
  timeout "$verify_seconds" "$prefix/bin/rnnsuite" verify --impl "$so" --profile quick --jobs 2 "$@" >"$out" 2>&1
  verify_status=$?
  set -e
  tail -n 3 "$out"
  grep -q '^implementation under test: rnnsuite example plugin' "$out" ||
    fail "rnnsuite verify did not name the example plugin as the implementation under test"
}

step "6a. rnnsuite verify --impl $(basename "$plugin") --profile quick: expect exit 0"
verify "$plugin" "$work/verify_plugin.txt"
if [[ $verify_status -ne 0 ]]; then
  grep -E 'FAIL|MISTRUSTED|rror' "$work/verify_plugin.txt" | head -n 40 >&2 || true
  fail "rnnsuite verify exited $verify_status on the example plugin (expected 0)"
fi
# Result rows only, not the summary line ("... leg results in ...: 136 PASS ...").
passes=$(grep -v 'leg results in' "$work/verify_plugin.txt" | grep -c ' PASS' || true)
[[ $passes -gt 0 ]] || fail "rnnsuite verify printed no PASS for the example plugin"

# The planted bug is in GRU's backward (src/cells.hpp): quick's GRU problems are the ones that can
# catch it, and running only them keeps this test well inside its time limit.
step "6b. rnnsuite verify --impl $(basename "$mutant") --profile quick --cells gru: expect exit 1 and a FAIL"
verify "$mutant" "$work/verify_mutant.txt" --cells gru
failures=$(grep -v 'leg results in' "$work/verify_mutant.txt" | grep -c ' FAIL' || true)
if [[ $verify_status -ne 1 || $failures -eq 0 ]]; then
  tail -n 40 "$work/verify_mutant.txt" >&2
  fail "rnnsuite verify exited $verify_status with $failures FAIL line(s) on the mutant (expected 1, >= 1)"
fi
echo "example plugin: exit 0, $passes PASS line(s); mutant: exit 1, $failures FAIL line(s)"

# The installed benchmark times any plugin beside rnnsuite and oneDNN (issue 23, item 5); absent
# from builds without it (RNNSUITE_BUILD_BENCH=OFF, the asan preset).
if [[ -x $prefix/bin/rnnsuite-bench ]]; then
  step "7. rnnsuite-bench --impl $(basename "$plugin") --problem lstm_t16_b4_i32_h32_f32"
  quietly "$work/bench.log" timeout 120 "$prefix/bin/rnnsuite-bench" --impl "$plugin" \
    --problem lstm_t16_b4_i32_h32_f32 --benchmark_min_time=0.01
  for row in 'fwdbwd/rnnsuite ' 'fwdbwd/onednn ' 'fwdbwd/rnnsuite_example_plugin'; do
    grep -qF "lstm_t16_b4_i32_h32_f32/$row" "$work/bench.log" ||
      fail "rnnsuite-bench printed no '$row' row: $(cat "$work/bench.log")"
  done
  grep '/fwdbwd/' "$work/bench.log"
fi
