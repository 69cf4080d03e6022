#!/usr/bin/env bash
# check-build-id.sh BINARY [REWRITER-OPTIONS...]
#
# The output's build-id has the input's length but another value, is the same for two runs and
# for --thread-count 1 and 2, and `-v` reports the change; after `objcopy --only-keep-debug` and
# `strip`, gdb with a build-id debug directory that holds both the input's and the output's debug
# files reads the output's own. Prints every finding; exit 1 on any.
set -u
bin=$1
shift
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
# shellcheck source=program-harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/program-harness.sh"
start_harness check-build-id "$bin.build-id"
build_id() { readelf -n "$1" | awk '/Build ID:/ { print $3 }'; }

"$rewriter" "$bin" -o "$work/out" -v "$@" 2>"$work/rw.log" || { fail "rewriter failed"; cat "$work/rw.log"; exit 1; }
"$rewriter" "$bin" -o "$work/out.t1" --thread-count 1 "$@" 2>/dev/null || fail "rewriter failed with --thread-count 1"
"$rewriter" "$bin" -o "$work/out.t2" --thread-count 2 "$@" 2>/dev/null || fail "rewriter failed with --thread-count 2"
old=$(build_id "$bin")
new=$(build_id "$work/out")
[ -n "$old" ] || fail "the input has no build-id"
[ "${#new}" = "${#old}" ] || fail "build-id length changed: ${#old} hex digits -> ${#new}"
[ "$new" != "$old" ] || fail "the output kept the input's build-id $old"
cmp -s "$work/out" "$work/out.t1" || fail "the output differs between runs"
cmp -s "$work/out.t1" "$work/out.t2" || fail "the output differs between --thread-count 1 and 2"
grep -q "RW-INFO: build-id $old -> $new\$" "$work/rw.log" || fail "-v does not report 'build-id $old -> $new'"

# A build-id debug directory with the input's and the output's debug files.
for pair in "$bin:$old" "$work/out:$new"; do
  file=${pair%:*} id=${pair##*:}
  mkdir -p "$work/debug/.build-id/${id:0:2}"
  objcopy --only-keep-debug "$file" "$work/debug/.build-id/${id:0:2}/${id:2}.debug" || fail "objcopy --only-keep-debug $file failed"
done
cp "$work/out" "$work/stripped"
strip "$work/stripped" || fail "strip failed"
[ "$(build_id "$work/stripped")" = "$new" ] || fail "strip changed the build-id"
gdb -batch -nx -ex "set debug-file-directory $work/debug" -ex "set verbose on" -ex "file $work/stripped" -ex "info symbol main" >"$work/gdb.log" 2>&1
grep -q "Reading symbols from $work/debug/.build-id/${new:0:2}/${new:2}.debug" "$work/gdb.log" \
  || { fail "gdb did not read the output's own debug file:"; sed 's/^/  | /' "$work/gdb.log" | head -5; }
! grep -q "${old:2}.debug" "$work/gdb.log" || fail "gdb read the input's debug file for the output"
grep -q '^main in section' "$work/gdb.log" || { fail "gdb found no symbols through the debug file:"; sed 's/^/  | /' "$work/gdb.log" | head -5; }
echo "check-build-id: $old -> $new; $failures failure(s)"
[ "$failures" -eq 0 ]
