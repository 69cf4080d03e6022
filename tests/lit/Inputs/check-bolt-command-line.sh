#!/usr/bin/env bash
# check-bolt-command-line.sh WORKDIR PROGRAMS-DIR
#
# The command line llvm-bolt's documentation recommends, with only the program name changed,
# runs on every test program with a profile and gives a program that behaves identically:
# each program is built with --emit-relocs, profiled with llvm-bolt-22 -instrument, rewritten
# with exactly llvm-bolt's spelling of the options, and the result must print the same stdout,
# stderr and exit status. Prints every finding; exit 1 on any.
set -u
work=$1
programs=$2
rewriter=${RW_REWRITER:?RW_REWRITER is not set}
bolt=$(command -v llvm-bolt-22 || command -v llvm-bolt)
# shellcheck source=program-harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/program-harness.sh"
start_harness check-bolt-command-line "$work"

# name | compiler and flags | source | program arguments
while IFS='|' read -r name build source args; do
  prog="$work/$name"
  # shellcheck disable=SC2086 # flags are words on purpose
  $build -Wl,--emit-relocs "$programs/$source" -o "$prog" || { fail "$name: build failed"; continue; }
  "$bolt" "$prog" -instrument -o "$prog.instr" --instrumentation-file="$prog.fdata" >"$prog.instrument.log" 2>&1 \
    || { fail "$name: instrumentation failed"; continue; }
  # shellcheck disable=SC2086
  (cd "$work" && "$prog.instr" $args >/dev/null 2>&1) || true
  [ -s "$prog.fdata" ] || { fail "$name: no profile written"; continue; }
  # The documented command line, word for word.
  if ! "$rewriter" "$prog" -o "$prog.bolt" -data="$prog.fdata" -reorder-blocks=ext-tsp -reorder-functions=hfsort \
      -split-functions -split-all-cold -split-eh -dyno-stats >"$prog.rewrite.log" 2>&1; then
    fail "$name: the rewrite failed:"; tail -3 "$prog.rewrite.log" | sed 's/^/  | /'; continue
  fi
  grep -q ' : executed instructions' "$prog.rewrite.log" || fail "$name: -dyno-stats printed no statistics"
  # shellcheck disable=SC2086
  run "$prog" "$name.original" $args
  # shellcheck disable=SC2086
  run "$prog.bolt" "$name.rewritten" $args
  for part in out err status; do
    cmp -s "$work/$name.original.$part" "$work/$name.rewritten.$part" || fail "$name: $part differs from the original"
  done
  echo "check-bolt-command-line: $name: ok"
done <<'PROGRAMS'
hello-clang|clang-22 -O2 -g -fuse-ld=lld|hello.c|a b
algo-clang|clang-22 -O2 -g -fuse-ld=lld|algo.c|
algo-gcc-nopie|gcc -O2 -g -no-pie|algo.c|
threads-clang|clang-22 -O2 -g -pthread -fuse-ld=lld|threads.c|
dispatch-gcc|gcc -O2 -g|dispatch.c|2000
exceptions-clang|clang++-22 -O2 -g -fuse-ld=lld|exceptions.cpp|20
exceptions-gcc|g++ -O2 -g -no-pie|exceptions.cpp|20
oop-clang|clang++-22 -O2 -g -fuse-ld=lld|oop.cpp|
PROGRAMS
echo "check-bolt-command-line: $failures failure(s)"
[ "$failures" -eq 0 ]
