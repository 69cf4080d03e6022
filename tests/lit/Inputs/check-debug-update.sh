#!/usr/bin/env bash
# check-debug-update.sh — does --update-debug-sections keep the debug information true?
#
#   check-debug-update.sh [--no-relocs] [--full] [--determinism] [--uninitialised NAME] [--layout OPTIONS]
#                         [--gdb-misreads-original-loclists] [--no-gdb] [--functions-from FILE]
#                         [--with REWRITER-OPTION]... BINARY PROFILE|- [PROGRAM-ARGS...]
#
# Rewrites BINARY with each layout below and --update-debug-sections, and checks for each output:
#   - it behaves like BINARY (stdout, stderr, exit status);
#   - llvm-dwarfdump-22 --verify reports no kind of error that BINARY does not have;
#   - `rewriter verify-debug BINARY OUTPUT` finds no difference;
#   - the same gdb session (a breakpoint on every function; backtrace, args, locals at each stop)
#     gives the same transcript; lldb-22 too for the first layout that keeps each function's block
#     order (lldb puts a breakpoint at the lowest address of an inlined instance, not at its
#     DW_AT_entry_pc, and looks for prologue_end only among a function's first rows, so a new block
#     order moves lldb's breakpoints by lldb's design, whatever the debug information says).
# With --determinism: the output is byte-identical for --debug-thread-count 1, 2, 4, 8, 16 and for
# two runs. A split-DWARF program's rewritten .dwo files (the `wrote` lines of -v) are checked with
# it: llvm-dwarfdump --verify on each, and byte-identical too. CI runs reverse and one cluster-shuffle
# layout per program, and with a profile also ext-tsp + split + cdsort and cdsort alone (--lite=0:
# every function moves) and ext-tsp + split in lite mode; --full runs every layout mode (reverse, ext-tsp,
# split + split-all-cold, cdsort, cluster-shuffle with 10 seeds); --layout OPTIONS runs only
# that one (rewriter options, a --data among them). --with adds an option to every rewrite
# (--write-dwp, say). Exit 1 on any finding.
set -u
no_relocs=0 full=${RW_DEBUG_UPDATE_FULL:-0} determinism=0 only_layout= no_gdb=0
compare_options=() with_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-relocs) no_relocs=1; shift ;;
    --full) full=1; shift ;;
    --determinism) determinism=1; shift ;;
    --uninitialised) compare_options+=(--uninitialised "$2"); shift 2 ;;
    --layout) only_layout=$2; shift 2 ;;
    --gdb-misreads-original-loclists) compare_options+=(--gdb-misreads-original-loclists); shift ;;
    --no-gdb) no_gdb=1; shift ;; # gdb 13 cannot read the program's split DWARF (a DWARF 5 .dwp): lldb only
    --functions-from) compare_options+=(--functions-from "$2"); shift 2 ;;
    --with) with_options+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
bin=$1 profile=$2
shift 2
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
compare="$here/../../../tools/debug-compare.d/debug_compare.py"
dwarfdump=$(command -v llvm-dwarfdump-22 || echo /usr/lib/llvm-22/bin/llvm-dwarfdump)
# shellcheck source=program-harness.sh
. "$here/program-harness.sh"
start_harness check-debug-update "$bin.debug"
# The kinds of error llvm-dwarfdump --verify reports, offsets and values masked. It can run for
# many minutes on gcc -O2 DWARF (a known quirk of llvm-dwarfdump-22): bounded, and said so.
# verify_kinds FILE SECONDS; returns 1 when it did not finish: a partial list compares with nothing.
verify_kinds() {
  timeout "$2" "$dwarfdump" --verify "$1" >"$work/verify.raw" 2>&1
  local status=$?
  grep -E '^error:' "$work/verify.raw" | grep -v 'Aggregated error counts\|occurred [0-9]* time' \
    | sed -E 's/0x[0-9a-fA-F]+/0xN/g; s/[0-9]+/N/g' | sort -u
  [ $status != 124 ] || { echo "check-debug-update: NOTE: llvm-dwarfdump --verify did not finish in $2 s on $1; not compared" >&2; return 1; }
}
run "$bin" original "$@"
input_verified=1
verify_kinds "$bin" 45 >"$work/input.verify" || input_verified=0 # the outputs get twice as long
# The .dwo files (or .dwp package) a rewrite wrote, from its -v log.
written_dwo() { sed -n 's/^RW-INFO: wrote \(.*\.dw[op]\)$/\1/p' "$1"; }
# The kinds of error the input's .dwo files have (each verified alone, as the outputs are).
: >"$work/input-dwo.verify"
dwo_verified=1 # 0 when llvm-dwarfdump did not finish on an input .dwo: the outputs' are not compared either
for dwo in $(cd "$(dirname "$bin")" && ls ./*.dwo ./*.dwp 2>/dev/null); do
  verify_kinds "$(dirname "$bin")/$dwo" 45 >>"$work/input-dwo.verify" || dwo_verified=0
done
sort -u -o "$work/input-dwo.verify" "$work/input-dwo.verify"

layouts=("--reorder-blocks=reverse --split-functions" "--reorder-blocks=cluster-shuffle --seed 1")
richest=${layouts[0]} # the layout whose output is checked for determinism
if [ "$full" = 1 ]; then for seed in 2 3 4 5 6 7 8 9 10; do layouts+=("--reorder-blocks=cluster-shuffle --seed $seed"); done; fi
if [ "$profile" != "-" ]; then
  [ "$full" = 1 ] && layouts+=("--reorder-blocks=ext-tsp --data $profile"
                               "--reorder-blocks=ext-tsp --split-functions --split-all-cold --data $profile"
                               "--reorder-functions=cdsort --data $profile")
  richest="--reorder-blocks=ext-tsp --split-functions --split-all-cold --reorder-functions=cdsort --data $profile --lite=0"
  # Lite mode (the default with a profile) leaves unprofiled functions in place: their DIEs and
  # lists are copied as they were, beside those of the moved ones.
  layouts+=("$richest" "--reorder-functions=cdsort --data $profile --lite=0" "--reorder-blocks=ext-tsp --split-functions --data $profile")
fi
[ -z "$only_layout" ] || { layouts=("$only_layout"); richest=$only_layout; }

i=0
lldb_done=0
for options in "${layouts[@]}"; do
  i=$((i + 1))
  out="$work/out$i"
  # shellcheck disable=SC2086 # options are words on purpose
  if ! "$rewriter" "$bin" -o "$out" $options "${with_options[@]}" --update-debug-sections -v >"$work/rw$i.log" 2>&1; then
    fail "$options: rewriter failed:"; sed 's/^/  | /' "$work/rw$i.log" | tail -5; continue
  fi
  if [ "$no_relocs" = 0 ]; then
    grep -q 'RW-INFO: emitted [1-9]' "$work/rw$i.log" || fail "$options: no function was moved"
  fi
  # A layout that moves nothing (function order without relocations, say) needs no debug update.
  if grep -q 'RW-INFO: emitted [1-9]\|RW-INFO: rewrote [1-9]' "$work/rw$i.log"; then
    grep -q 'RW-INFO: debug update:' "$work/rw$i.log" || fail "$options: no debug update ran"
  fi
  run "$out" "out$i" "$@"
  for stream in out err status; do
    cmp -s "$work/original.$stream" "$work/out$i.$stream" || fail "$options: $stream differs from the original's"
  done
  if [ "$input_verified" = 1 ] && verify_kinds "$out" 90 >"$work/out$i.verify"; then
    new=$(comm -13 "$work/input.verify" "$work/out$i.verify")
    [ -z "$new" ] || { fail "$options: llvm-dwarfdump --verify reports errors the input lacks:"; sed 's/^/  | /' <<<"$new" | head -5; }
  fi
  for dwo in $(written_dwo "$work/rw$i.log"); do
    if [ "$dwo_verified" = 1 ] && verify_kinds "$dwo" 90 >"$work/out$i.dwo.verify"; then
      new=$(comm -13 "$work/input-dwo.verify" "$work/out$i.dwo.verify")
      [ -z "$new" ] || { fail "$options: llvm-dwarfdump --verify reports errors in $dwo the input's .dwo files lack:"; sed 's/^/  | /' <<<"$new" | head -5; }
    fi
  done
  if ! "$rewriter" verify-debug "$bin" "$out" >"$work/verify$i.log" 2>&1; then
    fail "$options: verify-debug finds differences:"; grep -m5 'RW-ERROR\|error' "$work/verify$i.log" | sed 's/^/  | /'
  fi
  debuggers=gdb
  case "$options" in *--reorder-blocks*) ;; *) [ "$lldb_done" = 0 ] && debuggers=both && lldb_done=1 ;; esac
  if [ "$no_gdb" = 1 ]; then
    case "$options" in *--reorder-blocks*) debuggers= ;; *) debuggers=lldb ;; esac
  fi
  if [ -n "$debuggers" ] && ! python3 "$compare" "$bin" "$out" --debugger "$debuggers" "${compare_options[@]}" -- "$@" >"$work/debug$i.log" 2>&1; then
    fail "$options: the debugger sessions differ:"; head -20 "$work/debug$i.log" | sed 's/^/  | /'
  fi
done

# Byte-identical for every thread count and across runs. Each run writes the same output name (a
# rewritten .dwo is named after it, and the program names its .dwo files); the files are kept aside.
options=$richest
threads_to_check=()
[ "$determinism" = 1 ] && threads_to_check=(2 4 8 16 16)
det_run() { # det_run THREADS TAG: the output and its .dwo files as $work/det.TAG, $work/det.TAG.dwoN
  # shellcheck disable=SC2086
  "$rewriter" "$bin" -o "$work/det.out" $options "${with_options[@]}" --update-debug-sections --debug-thread-count "$1" -v >"$work/det.log" 2>&1
  cp "$work/det.out" "$work/det.$2"
  local n=0
  for dwo in $(written_dwo "$work/det.log"); do n=$((n + 1)); cp "$dwo" "$work/det.$2.dwo$n"; done
}
[ ${#threads_to_check[@]} -eq 0 ] || det_run 1 ref
for threads in "${threads_to_check[@]}"; do
  det_run "$threads" "$threads"
  cmp -s "$work/det.ref" "$work/det.$threads" || fail "$options: --debug-thread-count $threads gives another output than 1"
  for dwo in "$work"/det.ref.dwo*; do
    [ -e "$dwo" ] || continue
    cmp -s "$dwo" "$work/det.$threads.${dwo##*.}" || fail "$options: --debug-thread-count $threads gives another .dwo than 1 (${dwo##*.})"
  done
done

if [ "$failures" -gt 0 ]; then
  echo "check-debug-update: $failures failure(s) for $bin"
  exit 1
fi
echo "check-debug-update: OK: ${#layouts[@]} layouts of $bin keep their debug information"
