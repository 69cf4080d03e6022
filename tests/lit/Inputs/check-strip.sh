#!/usr/bin/env bash
# check-strip.sh BINARY PROFILE [PROGRAM-ARGS...]
#
# Release pipelines run GNU binutils after the optimizer (Debian's dh_strip, RPM's
# find-debuginfo): `strip`, `strip --strip-debug`, `objcopy --only-keep-debug` followed by
# `objcopy --strip-debug --add-gnu-debuglink`, and llvm-strip-22. For every layout mode (identity,
# a forced new segment, reversed blocks, ext-tsp + splitting + function order; a BINARY linked
# without --emit-relocs gets the in-place rewrite of non-relocation mode), each of those commands must run on the rewriter's output
# without a word, and its result must behave like BINARY and make neither GNU readelf -lS nor
# llvm-readelf print a warning. Prints every finding; exit 1 on any.
set -u
bin=$1
profile=$2
shift 2
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
# shellcheck source=program-harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/program-harness.sh"
start_harness check-strip "$bin.strip"
same_as_original() { # same_as_original TAG WHAT
  for part in out err status; do
    cmp -s "$work/original.$part" "$work/$1.$part" || fail "$2: $part differs from the original"
  done
}
warnings_of() { # warnings_of FILE: what GNU readelf -lS and llvm-readelf -lS say beyond the tables, file name elided
  { readelf -lS -W "$1" 2>&1 >/dev/null; readelf -lS -W "$1" | grep -i 'warning'; llvm-readelf-22 -lS -W "$1" 2>&1 >/dev/null; } \
    | sed "s|$1|FILE|g" | sort -u
}
no_warnings() { # no_warnings FILE WHAT [BASELINE]: nothing beyond what BASELINE (a file of warnings) has
  local said
  said=$(comm -23 <(warnings_of "$1") "${3:-/dev/null}")
  [ -z "$said" ] || { fail "$2: readelf warns:"; head -3 <<<"$said" | sed 's/^/  | /'; }
}
# A debug file made from the original gets the same complaints (no interpreter, no dynamic
# table: both are NOBITS there); only others count.
objcopy --only-keep-debug "$bin" "$work/original.debug"
warnings_of "$work/original.debug" >"$work/original.debug.warnings"
run "$bin" original "$@"

pipeline() { # pipeline VARIANT FILE: apply one release pipeline to FILE in place; prints what the tools say
  case $1 in
    strip) strip "$2" 2>&1 ;;
    strip-debug) strip --strip-debug "$2" 2>&1 ;;
    llvm-strip) llvm-strip-22 "$2" 2>&1 ;;
    debuglink) { objcopy --only-keep-debug "$2" "$2.debug" && objcopy --strip-debug --add-gnu-debuglink="$2.debug" "$2"; } 2>&1 ;;
  esac
}
# A pipeline that fails on the input itself (llvm-strip-22 refuses static programs whose
# .rela.plt links to .symtab) cannot be asked of the output.
variants=()
for variant in strip strip-debug llvm-strip debuglink; do
  cp "$bin" "$work/original.$variant"
  if [ -z "$(pipeline "$variant" "$work/original.$variant")" ]; then variants+=("$variant"); else echo "check-strip: note: $variant fails on the input itself; not checked"; fi
done

layouts=("" "--force-new-segment" "--reorder-blocks=reverse"
         "--reorder-blocks=ext-tsp --split-functions --split-eh --reorder-functions=exec-count --data $profile")
i=0
for options in "${layouts[@]}"; do
  i=$((i + 1))
  out="$work/out$i"
  # shellcheck disable=SC2086 # options are words on purpose
  "$rewriter" "$bin" -o "$out" $options >"$work/rw$i.log" 2>&1 || { fail "'$options': rewriter failed"; tail -3 "$work/rw$i.log"; continue; }
  no_warnings "$out" "'$options'"
  for variant in "${variants[@]}"; do
    result="$out.$variant"
    cp "$out" "$result"
    said=$(pipeline "$variant" "$result")
    [ "$variant" != debuglink ] || no_warnings "$result.debug" "'$options' + $variant (the debug file)" "$work/original.debug.warnings"
    [ -z "$said" ] || { fail "'$options' + $variant: the tool complains:"; head -3 <<<"$said" | sed 's/^/  | /'; }
    no_warnings "$result" "'$options' + $variant"
    run "$result" "out$i.$variant" "$@"
    same_as_original "out$i.$variant" "'$options' + $variant"
  done
done
echo "check-strip: $i layouts x ${#variants[@]} strip pipelines of $bin checked, $failures failure(s)"
[ "$failures" -eq 0 ]
