#!/usr/bin/env bash
# check-debug-frame.sh BINARY OUTPUT FUNCTION GDB-BREAKPOINT... — is OUTPUT's .debug_frame (rebuilt by
# --update-debug-sections) true for the moved code?
#
#   - BINARY unwinds FUNCTION through .debug_frame alone (an FDE there, none in .eh_frame), and
#     OUTPUT has FDEs for FUNCTION's new fragments, FUNCTION.cold.0 included;
#   - llvm-dwarfdump-22 --debug-frame reads OUTPUT's without an error or warning;
#   - gdb stopped at the breakpoints (deep in recursion) prints the same backtraces on both;
#   - and the check can fail: OUTPUT with BINARY's .debug_frame put back (a stale section) makes
#     verify-debug report callframe differences and gdb's backtrace differ.
# Prints every finding; exit 1 on any.
set -u
bin=$1 out=$2 function=$3
shift 3
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
# shellcheck source=program-harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/program-harness.sh"
start_harness check-debug-frame "$out.debug-frame"
dwarfdump=$(command -v llvm-dwarfdump-22 || echo /usr/lib/llvm-22/bin/llvm-dwarfdump)

# Addresses in hex without leading zeros (nm and llvm-dwarfdump pad them differently).
address() { llvm-nm-22 --defined-only "$1" | awk -v name="$2" '$3 == name { sub(/^0+/, "", $1); print $1; exit }'; }
# FILE debug|eh: FDE start addresses of one section (llvm-dwarfdump prints .debug_frame's, then .eh_frame's).
fde_starts() {
  "$dwarfdump" --debug-frame "$1" 2>&1 | awk -v want="$2" '/^\.debug_frame contents:/ { s = "debug" } /^\.eh_frame contents:/ { s = "eh" }
    s == want && / FDE / { sub(/.*pc=/, ""); sub(/\.\.\..*/, ""); sub(/^0+/, ""); print }'
}
has_fde() { fde_starts "$1" "$2" | grep -qx "$3"; }

at=$(address "$bin" "$function")
has_fde "$bin" debug "$at" || fail "$bin has no .debug_frame FDE for $function at $at"
has_fde "$bin" eh "$at" && fail "$bin has an .eh_frame FDE for $function: gdb would not need .debug_frame"
for fragment in "$function" "$function.cold.0"; do
  new=$(address "$out" "$fragment")
  [ -n "$new" ] || { fail "$out has no $fragment"; continue; }
  has_fde "$out" debug "$new" || fail "$out has no .debug_frame FDE for $fragment at $new"
done

"$dwarfdump" --debug-frame "$out" >"$work/debug-frame.txt" 2>&1 || fail "llvm-dwarfdump --debug-frame exits with $?"
grep -i -m3 'error\|warning' "$work/debug-frame.txt" && fail "llvm-dwarfdump --debug-frame complains"

# PROGRAM TAG: the backtraces at the first stops (as many as breakpoints), addresses masked.
breaks=() continue_bt=()
for breakpoint in "$@"; do breaks+=(-ex "break $breakpoint"); continue_bt+=(-ex bt -ex continue); done
session() { timeout 120 gdb -nx -batch -ex "set pagination off" "${breaks[@]}" -ex run "${continue_bt[@]}" "$1" </dev/null 2>&1 \
  | grep '^#' | sed -E 's/0x[0-9a-f]+/ADDR/g' >"$work/$2.bt"; }
session "$bin" original
session "$out" output
grep -q '^#3 ' "$work/original.bt" || fail "the original's backtraces are not deep (no frame #3): $(head -c 300 "$work/original.bt")"
diff -u "$work/original.bt" "$work/output.bt" >"$work/bt.diff" || { fail "gdb's backtraces differ:"; head -20 "$work/bt.diff"; }

# The same checks on a stale .debug_frame must fail.
objcopy --dump-section .debug_frame="$work/original.debug_frame" "$bin" \
  && objcopy --update-section .debug_frame="$work/original.debug_frame" "$out" "$work/stale" || fail "objcopy cannot make the stale copy"
"$rewriter" verify-debug "$bin" "$work/stale" >"$work/stale.verify" 2>&1
grep -q '^RW-ERROR: verify-debug: callframe: ' "$work/stale.verify" || fail "verify-debug does not report a stale .debug_frame"
session "$work/stale" stale
cmp -s "$work/original.bt" "$work/stale.bt" && fail "gdb's backtraces do not depend on .debug_frame: the comparison proves nothing"

[ "$failures" -eq 0 ] || { echo "check-debug-frame: $failures failure(s) for $out"; exit 1; }
echo "check-debug-frame: OK: $out unwinds like $bin"
