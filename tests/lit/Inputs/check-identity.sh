#!/usr/bin/env bash
# check-identity.sh — does an identity rewrite preserve a program's behaviour?
#
#   check-identity.sh BINARY [PROGRAM-ARGS...]
#
# 1. runs BINARY (fixed environment, stdin from /dev/null, bounded by a timeout);
# 2. rewrites it twice:   $RW_REWRITER BINARY -o out
#                         $RW_REWRITER BINARY -o out2 --force-new-segment
#    (each must exit 0 and leave an executable output; BINARY must not change);
# 3. runs both outputs the same way and compares stdout, stderr and exit code
#    with the original run;
# 4. out2 must have one PT_LOAD more than BINARY and a relocated program-header
#    table (e_phoff differs);
# 5. `$RW_READELF -a -W` of each output must not print any warning;
# 6. if `$RW_DWARFDUMP --verify BINARY` is clean, it must be clean on each
#    output too (bounded by `timeout 300`; dwarf-verify.py skips inputs that
#    would make llvm-dwarfdump-22 --verify loop forever).
#
# All findings are printed; the exit status is 1 if any check failed.
# Tools come from the environment (set by lit.cfg.py): RW_REWRITER,
# RW_READELF, RW_DWARFDUMP.  Work files go to BINARY.identity/.
set -u

if [ $# -lt 1 ]; then
  echo "usage: $0 BINARY [PROGRAM-ARGS...]" >&2
  exit 2
fi
bin=$1
shift

rewriter=${RW_REWRITER:?RW_REWRITER is not set}
readelf=${RW_READELF:-llvm-readelf-22}
dwarfdump=${RW_DWARFDUMP:-llvm-dwarfdump-22}

here=$(cd "$(dirname "$0")" && pwd)
work="$bin.identity"
rm -rf "$work"
mkdir -p "$work"
cp -p "$bin" "$work/input.copy"

failures=0
fail() {
  echo "check-identity: FAIL: $*"
  failures=$((failures + 1))
}

# run EXE TAG — run EXE with the program arguments in a fixed environment,
# recording TAG.stdout, TAG.stderr and TAG.rc in the work directory.
run() {
  local exe=$1 tag=$2
  shift 2
  (cd "$work" &&
    env -i PATH=/usr/bin:/bin LC_ALL=C REWRITER_TEST_ENV=lit-identity \
      timeout 120 "$exe" "$@" </dev/null >"$tag.stdout" 2>"$tag.stderr")
  echo $? >"$work/$tag.rc"
}

# rewrite TAG [OPTIONS...] — rewrite BINARY into work/TAG; 0 on success.
rewrite() {
  local tag=$1
  shift
  local out="$work/$tag"
  echo "check-identity: $rewriter $bin -o $out $*"
  "$rewriter" "$bin" -o "$out" "$@" >"$work/$tag.rewriter.log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    fail "rewriter exited with $rc for '$tag'; its output:"
    sed 's/^/  | /' "$work/$tag.rewriter.log"
    return 1
  fi
  if [ ! -f "$out" ]; then
    fail "rewriter exited 0 but did not create $out"
    return 1
  fi
  if [ ! -x "$out" ]; then
    fail "$out is not executable (mode $(stat -c %A "$out"))"
    return 1
  fi
  return 0
}

# compare TAG — compare the run of TAG with the run of the original.
compare() {
  local tag=$1 stream
  for stream in stdout stderr rc; do
    if ! cmp -s "$work/orig.$stream" "$work/$tag.$stream"; then
      fail "$stream of '$tag' differs from the original (diff original $tag):"
      diff -u "$work/orig.$stream" "$work/$tag.$stream" | head -40 | sed 's/^/  | /'
    fi
  done
}

# no_readelf_warnings TAG — llvm-readelf prints no warning on the output that it does not
# print on the input too (a file without section headers, say, warns either way).
no_readelf_warnings() {
  local out="$work/$1"
  "$readelf" -a -W "$out" >"$out.readelf" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    fail "$readelf -a -W exited with $rc on $out"
  fi
  "$readelf" -a -W "$bin" 2>&1 | grep -i 'warning:' | sed "s|'$bin'|FILE|g" | sort -u >"$out.readelf.input-warnings"
  grep -i 'warning:' "$out.readelf" | sed "s|'$out'|FILE|g" | sort -u >"$out.readelf.all-warnings"
  if comm -23 "$out.readelf.all-warnings" "$out.readelf.input-warnings" | grep -q .; then
    fail "$readelf -a -W reports warnings on $out that the input does not have:"
    comm -23 "$out.readelf.all-warnings" "$out.readelf.input-warnings" | head -20 | sed 's/^/  | /'
  fi
}

# count_loads FILE — number of PT_LOAD program headers.
count_loads() {
  "$readelf" -l -W "$1" 2>/dev/null | grep -c '^ *LOAD '
}

# phcount FILE — e_phnum as printed by readelf.
phcount() {
  "$readelf" -h "$1" 2>/dev/null | sed -n 's/^ *Number of program headers: *\([0-9]*\).*/\1/p'
}

# phoff FILE — e_phoff as printed by readelf.
phoff() {
  "$readelf" -h "$1" 2>/dev/null | sed -n 's/^ *Start of program headers: *\([0-9]*\).*/\1/p'
}

# dwarf_verify FILE — 0 if `llvm-dwarfdump --verify` is clean (timeout 300 s);
# see dwarf-verify.py for the inputs it refuses to verify (exit 2).
dwarf_verify() {
  python3 "$here/dwarf-verify.py" "$dwarfdump" "$1" 300 >"$1.verify" 2>&1
}

# ---- 1. the original ----
run "$bin" orig "$@"
echo "check-identity: original exited with $(cat "$work/orig.rc"), $(wc -l <"$work/orig.stdout") stdout lines"
if [ "$(cat "$work/orig.rc")" -ge 124 ]; then
  fail "the original program itself timed out or crashed (exit $(cat "$work/orig.rc"))"
fi

# ---- 2./3. rewrite and compare ----
outputs=()
if rewrite out; then outputs+=(out); fi
if rewrite out2 --force-new-segment; then outputs+=(out2); fi
for tag in "${outputs[@]}"; do
  run "$work/$tag" "$tag" "$@"
  compare "$tag"
  no_readelf_warnings "$tag"
done

if ! cmp -s "$bin" "$work/input.copy"; then
  fail "the rewriter modified its input $bin"
fi

# ---- 4. --force-new-segment really added a segment and moved the PHDR table ----
if [ -f "$work/out2" ] && [ -x "$work/out2" ]; then
  in_loads=$(count_loads "$bin")
  out_loads=$(count_loads "$work/out2")
  if [ "$out_loads" -ne $((in_loads + 1)) ]; then
    fail "--force-new-segment: expected $((in_loads + 1)) PT_LOAD, found $out_loads"
  fi
  # The table grows by one entry, in place (e_phoff kept) or at the start of the new segment;
  # PT_PHDR, when there is one, describes it.
  in_count=$(phcount "$bin")
  out_count=$(phcount "$work/out2")
  if [ "$out_count" -ne $((in_count + 1)) ]; then
    fail "--force-new-segment: expected $((in_count + 1)) program headers, found $out_count"
  fi
  phdr_size=$("$readelf" -l -W "$work/out2" 2>/dev/null | awk '$1 == "PHDR" { print $5 }')
  if [ -n "$phdr_size" ] && [ $((phdr_size)) -ne $((out_count * 56)) ]; then
    fail "--force-new-segment: PT_PHDR covers $phdr_size bytes, not the $out_count entries of the table"
  fi
  phdr_offset=$("$readelf" -l -W "$work/out2" 2>/dev/null | awk '$1 == "PHDR" { print $2 }')
  if [ -n "$phdr_offset" ] && [ $((phdr_offset)) -ne "$(phoff "$work/out2")" ]; then
    fail "--force-new-segment: PT_PHDR at $phdr_offset but e_phoff is $(phoff "$work/out2")"
  fi
fi

# ---- 6. DWARF stays valid ----
if dwarf_verify "$bin"; then
  for tag in "${outputs[@]}"; do
    if ! dwarf_verify "$work/$tag"; then
      fail "$dwarfdump --verify is clean on the input but not on '$tag':"
      grep -v '^Verifying' "$work/$tag.verify" | head -20 | sed 's/^/  | /'
    fi
  done
else
  echo "check-identity: note: $dwarfdump --verify is not clean on the input; skipping the DWARF check:"
  grep -v '^Verifying' "$bin.verify" | head -3 | sed 's/^/  | /'
fi

if [ $failures -ne 0 ]; then
  echo "check-identity: $failures check(s) failed for $bin"
  exit 1
fi
echo "check-identity: PASS ($bin; compared: ${outputs[*]})"
exit 0
