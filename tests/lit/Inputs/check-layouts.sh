#!/usr/bin/env bash
# check-layouts.sh — does every code layout preserve a program's behaviour?
#
#   check-layouts.sh [--no-relocs] BINARY PROFILE|- [PROGRAM-ARGS...]
#
# Rewrites BINARY with each layout option set below and checks that each output gives the same
# stdout, stderr and exit code as BINARY, that llvm-readelf prints no warning the input does not
# get, and that the rewriter said it moved code. PROFILE is an .fdata for the profile-guided
# layouts ("-": only the layouts that need no profile). Prints every finding; exit 1 on any.
#
# --no-relocs: BINARY was linked without --emit-relocs (non-relocation mode). Then the rewriter
# must report its in-place rewrite when blocks are reordered or split, and at least one layout
# must rewrite some function (a function that no longer fits is left alone); a layout asking for
# --reorder-functions must get exactly one warning that function reordering needs relocations,
# and one asking for nothing else must leave the code alone.
set -u
no_relocs=0
rewritten_layouts=0
if [ "${1:-}" = "--no-relocs" ]; then no_relocs=1; shift; fi
bin=$1
profile=$2
shift 2
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
readelf=${RW_READELF:-llvm-readelf-22}
nm=$(command -v llvm-nm-22 || command -v llvm-nm)
inputs=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=program-harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/program-harness.sh"
start_harness check-layouts "$bin.layouts"
run "$bin" original "$@"
"$readelf" -a -W "$bin" 2>&1 | grep -i 'warning:' | sed "s|'$bin'|FILE|g" | sort -u >"$work/input.warnings"

layouts=("--reorder-blocks=reverse")
for seed in 1 2 3 4 5 6 7 8 9 10; do layouts+=("--reorder-blocks=cluster-shuffle --seed $seed"); done
if [ "$profile" != "-" ]; then
  layouts+=("--reorder-blocks=ext-tsp --data $profile"
            "--reorder-blocks=ext-tsp --split-functions --split-all-cold --data $profile"
            "--reorder-blocks=ext-tsp --split-functions --reorder-functions=cdsort --data $profile"
            "--reorder-blocks=ext-tsp --split-functions --reorder-functions=cdsort --data $profile --lite=0"
            "--reorder-functions=hfsort --data $profile"
            "--reorder-functions=exec-count --data $profile")
fi

i=0
for options in "${layouts[@]}"; do
  i=$((i + 1))
  out="$work/out$i"
  # shellcheck disable=SC2086 # options are words on purpose
  if ! "$rewriter" "$bin" -o "$out" $options -v >"$work/rw$i.log" 2>&1; then
    fail "$options: rewriter failed:"; sed 's/^/  | /' "$work/rw$i.log" | tail -5; continue
  fi
  if [ "$no_relocs" = 0 ]; then
    grep -q 'RW-INFO: emitted [1-9]' "$work/rw$i.log" || fail "$options: no function was moved"
  else
    warnings=$(grep -c 'RW-WARNING: .*function reordering needs its relocations' "$work/rw$i.log")
    case "$options" in
      *--reorder-functions*) [ "$warnings" = 1 ] || fail "$options: $warnings warnings that function reordering needs relocations, expected 1" ;;
      *) [ "$warnings" = 0 ] || fail "$options: unexpected warning that function reordering needs relocations" ;;
    esac
    case "$options" in
      *--reorder-blocks*|*--split-functions*)
        # A shuffled function may no longer fit: some layouts may rewrite nothing, not all of them.
        grep -q 'RW-INFO: rewrote [0-9]* functions in place' "$work/rw$i.log" || fail "$options: the in-place summary is missing"
        grep -q 'RW-INFO: rewrote [1-9][0-9]* functions in place' "$work/rw$i.log" && rewritten_layouts=$((rewritten_layouts + 1)) ;;
      *) ! grep -q 'RW-INFO: rewrote' "$work/rw$i.log" || fail "$options: code was rewritten though only function reordering was asked for" ;;
    esac
    ! grep -q 'RW-INFO: emitted' "$work/rw$i.log" || fail "$options: functions were moved without relocations"
    # Functions never move: the symbols are those of the input; .text keeps its name.
    cmp -s <("$nm" --defined-only "$bin" 2>&1) <("$nm" --defined-only "$out" 2>&1 | grep -v '\.cold\.0$') || fail "$options: symbols differ from the input's"
    sections=$("$readelf" -S -W "$out" 2>&1)
    if grep -q 'RW-INFO: rewrote [1-9]' "$work/rw$i.log"; then
      grep -q ' \.note\.rewriter\.addrmap ' <<<"$sections" || fail "$options: no address map note"
      ! grep -q 'rewriter\.org\.text' <<<"$sections" || fail "$options: .text was renamed"
      if grep -q 'RW-INFO: rewrote .*([1-9][0-9]* split' "$work/rw$i.log"; then
        grep -q ' \.text\.cold ' <<<"$sections" || fail "$options: split functions but no .text.cold"
      fi
    fi
  fi
  if [ "$no_relocs" = 0 ] && ! python3 "$inputs/old-entry-references.py" "$bin" "$out" >"$work/refs$i.log" 2>&1; then
    fail "$options: code still names old entries of moved functions:"; head -3 "$work/refs$i.log" | sed 's/^/  | /'
  fi
  if grep -q 'bytes of cold code' "$work/rw$i.log" && ! grep -q ' 0 bytes of cold code' "$work/rw$i.log"; then
    "$readelf" -s -W "$out" | grep -q ' FUNC .* LOCAL .*\.cold\.0$' || fail "$options: code went cold but no name.cold.0 symbol names it"
  fi
  run "$out" "layout$i" "$@"
  for part in out err status; do
    cmp -s "$work/original.$part" "$work/layout$i.$part" || { fail "$options: $part differs from the original"; diff "$work/original.$part" "$work/layout$i.$part" | head -5 | sed 's/^/  | /'; }
  done
  "$readelf" -a -W "$out" 2>&1 | grep -i 'warning:' | sed "s|'$out'|FILE|g" | sort -u >"$work/out$i.warnings"
  if comm -23 "$work/out$i.warnings" "$work/input.warnings" | grep -q .; then
    fail "$options: llvm-readelf warns:"; comm -23 "$work/out$i.warnings" "$work/input.warnings" | head -3 | sed 's/^/  | /'
  fi
done
if [ "$no_relocs" = 1 ] && [ "$rewritten_layouts" = 0 ]; then fail "no layout rewrote any function in place"; fi
echo "check-layouts: $i layouts of $bin checked, $failures failure(s)"
[ "$failures" -eq 0 ]
