#!/usr/bin/env bash
# same-debug-sections.sh A B — are the debug sections (.debug_*) of two ELF files byte for byte the
# same? Prints "same NAME" per section; exit 1 when a section differs or only one file has it.
set -euo pipefail
a=$1 b=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names() { llvm-readelf-22 -S -W "$1" | sed -n 's/^ *\[ *[0-9]*\] \(\.debug_[^ ]*\) .*/\1/p' | sort; }
status=0
for name in $(sort -u <(names "$a") <(names "$b")); do
  llvm-objcopy-22 --dump-section "$name=$work/a" "$a" "$work/a.elf" 2>/dev/null || { echo "only in $b: $name"; status=1; continue; }
  llvm-objcopy-22 --dump-section "$name=$work/b" "$b" "$work/b.elf" 2>/dev/null || { echo "only in $a: $name"; status=1; continue; }
  if cmp -s "$work/a" "$work/b"; then echo "same $name"; else echo "differs: $name"; status=1; fi
done
exit $status
