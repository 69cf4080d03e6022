#!/usr/bin/env bash
# check-layouts.sh — does every code layout preserve a program's behaviour?
#
#   check-layouts.sh BINARY PROFILE|- [PROGRAM-ARGS...]
#
# Rewrites BINARY with each layout option set below and checks that each output gives the same
# stdout, stderr and exit code as BINARY, that llvm-readelf prints no warning the input does not
# get, and that the rewriter said it moved code. PROFILE is an .fdata for the profile-guided
# layouts ("-": only the layouts that need no profile). Prints every finding; exit 1 on any.
set -u
bin=$1
profile=$2
shift 2
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
readelf=${RW_READELF:-llvm-readelf-22}
work="$bin.layouts"
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "check-layouts: FAIL: $*"; failures=$((failures + 1)); }

run() { # run PROGRAM TAG: stdout, stderr and exit status into $work/TAG.*
  (cd "$work" && timeout 60 env -i PATH=/usr/bin:/bin LC_ALL=C "$1" "${@:3}" </dev/null >"$work/$2.out" 2>"$work/$2.err"; echo $? >"$work/$2.status")
}
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
  grep -q 'RW-INFO: emitted [1-9]' "$work/rw$i.log" || fail "$options: no function was moved"
  run "$out" "layout$i" "$@"
  for part in out err status; do
    cmp -s "$work/original.$part" "$work/layout$i.$part" || { fail "$options: $part differs from the original"; diff "$work/original.$part" "$work/layout$i.$part" | head -5 | sed 's/^/  | /'; }
  done
  "$readelf" -a -W "$out" 2>&1 | grep -i 'warning:' | sed "s|'$out'|FILE|g" | sort -u >"$work/out$i.warnings"
  if comm -23 "$work/out$i.warnings" "$work/input.warnings" | grep -q .; then
    fail "$options: llvm-readelf warns:"; comm -23 "$work/out$i.warnings" "$work/input.warnings" | head -3 | sed 's/^/  | /'
  fi
done
echo "check-layouts: $i layouts of $bin checked, $failures failure(s)"
[ "$failures" -eq 0 ]
