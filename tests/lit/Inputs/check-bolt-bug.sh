#!/usr/bin/env bash
# check-bolt-bug.sh CHECK BINARY [REWRITER-OPTIONS...] — one of llvm-bolt's debug-info bugs
# (shared/REFERENCE.md §4) on our update:
#   - makes an entry-only profile (every block but the entries is cold) as BINARY.fdata;
#   - rewrites BINARY to BINARY.out with REWRITER-OPTIONS (default: reversed blocks, every cold
#     block split off) and --update-debug-sections, and checks that code moved;
#   - BINARY.out behaves like BINARY (stdout and exit status);
#   - `bolt-bug-check.py CHECK` finds the property kept (llvm-dwarfdump/objdump/nm only);
#   - `rewriter verify-debug BINARY BINARY.out` finds no difference;
#   - llvm-dwarfdump --verify (bounded at 90 s) reports no kind of error BINARY lacks.
# Exit 1 on any finding. The test itself then shows that the same check fails on a wrong update.
set -u
check=$1 bin=$(realpath "$2")
shift 2
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(--reorder-blocks=reverse --split-functions --split-all-cold)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
dwarfdump=$(command -v llvm-dwarfdump-22 || echo /usr/lib/llvm-22/bin/llvm-dwarfdump)
failures=0
fail() { echo "check-bolt-bug: FAIL: $*"; failures=$((failures + 1)); }

python3 "$here/entry-profile.py" "$bin" >"$bin.fdata" || exit 1
if ! "$rewriter" "$bin" -o "$bin.out" --data "$bin.fdata" "${options[@]}" --update-debug-sections -v >"$bin.log" 2>&1; then
  fail "rewriter failed:"; tail -5 "$bin.log"; exit 1
fi
grep -q 'RW-INFO: emitted [1-9]' "$bin.log" || fail "no function was moved"
for program in "$bin" "$bin.out"; do
  timeout 60 "$program" >"$program.stdout" 2>&1; echo "exit $?" >>"$program.stdout"
done
cmp -s "$bin.stdout" "$bin.out.stdout" || fail "the output behaves differently"
python3 "$here/bolt-bug-check.py" "$check" "$bin" "$bin.out" || fail "bolt-bug-check.py $check"
"$rewriter" verify-debug "$bin" "$bin.out" >"$bin.verify-debug" 2>&1 || { fail "verify-debug finds differences:"; grep -m5 'RW-ERROR' "$bin.verify-debug"; }
# The kinds of error llvm-dwarfdump --verify reports (offsets and numbers masked); not run where
# the LLVM 22 verifier would hang (Inputs/dwarf-verify.py exits 2 on those).
error_kinds() {
  python3 "$here/dwarf-verify.py" "$dwarfdump" "$1" 90 >"$1.dwarf-verify" 2>&1
  echo "status $?"
  grep -E '^error:' "$1.dwarf-verify" | grep -v 'Aggregated error counts\|occurred [0-9]* time' \
    | sed -E 's/0x[0-9a-fA-F]+/0xN/g; s/[0-9]+/N/g' | sort -u
}
input_kinds=$(error_kinds "$bin")
if [ "${input_kinds%%$'\n'*}" = "status 2" ]; then
  echo "check-bolt-bug: NOTE: llvm-dwarfdump-22 --verify would hang on $bin (llvm/llvm-project#186413); not run"
else
  new=$(comm -13 <(sed 1d <<<"$input_kinds") <(error_kinds "$bin.out" | sed 1d))
  [ -z "$new" ] || { fail "llvm-dwarfdump --verify reports errors the input lacks:"; head -5 <<<"$new"; }
  grep -q '^status 124' <<<"$input_kinds" && echo "check-bolt-bug: NOTE: llvm-dwarfdump --verify timed out on $bin"
fi
[ "$failures" = 0 ] || exit 1
echo "check-bolt-bug: OK: $check"
