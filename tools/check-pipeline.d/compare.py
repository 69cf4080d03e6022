#!/usr/bin/env python3
"""Comparisons for tools/check-pipeline; each prints one line of findings and exits 1 on a
difference.

    compare.py symbolized TOOL SAMPLES IN OUT
        IN and OUT are the answers of TOOL (llvm-symbolizer | addr2line) for the input and output
        addresses of SAMPLES ("INPUT OUTPUT" per line). llvm-symbolizer: one block of frames per
        address, separated by an empty line; addr2line -a: each block starts with the address.
        A name NAME.cold.N (the symbol of a cold fragment, which the tools prefer to the DWARF
        name) counts as NAME. Fails on any address whose frames (function, file, line, column,
        inline frames) differ, or when no input address had a line.
    compare.py verify IN OUT
        llvm-dwarfdump --verify reports: fails on an error kind (hex numbers masked) that OUT
        reports more often than IN.
    compare.py gdb IN OUT
        gdb transcripts with addresses and symbol offsets masked; fails on a differing line."""
import collections
import re
import sys

COLD = re.compile(r"( \(\.cold\.\d+\)|\.cold\.\d+)(?=$| )")


def blocks_llvm(path):
    text = open(path, errors="replace").read()
    return [[COLD.sub("", line) for line in block.splitlines()] for block in text.rstrip("\n").split("\n\n")]


def blocks_addr2line(path):
    blocks = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("0x"):
            blocks.append([])
        elif blocks:
            blocks[-1].append(COLD.sub("", line))
    return blocks


def symbolized(tool, samples, left, right):
    pairs = [line.split() for line in open(samples) if line.strip()]
    read = blocks_llvm if tool == "llvm-symbolizer" else blocks_addr2line
    a, b = read(left), read(right)
    if len(a) != len(pairs) or len(b) != len(pairs):
        print(f"{tool} answered {len(a)} and {len(b)} addresses for {len(pairs)}")
        return 1
    with_line = sum(1 for block in a if len(block) > 1 and not block[1].startswith("??"))
    inlined = sum(1 for block in a if len(block) > (2 if tool == "llvm-symbolizer" else 2))
    differ = [(p, x, y) for p, x, y in zip(pairs, a, b) if x != y]
    if with_line == 0:
        print(f"none of the {len(pairs)} input addresses has a line: nothing compared")
        return 1
    if differ:
        print(f"{len(differ)} of {len(pairs)} addresses differ; first ones (input -> output):")
        for (i, o), x, y in differ[:4]:
            print(f"  {i} -> {o}:  {' | '.join(x)}  !=  {' | '.join(y)}")
        return 1
    print(f"{len(pairs)} moved instructions, {with_line} with a line, {inlined} inside inlined code: same frames")
    return 0


def verify(left, right):
    def kinds(path):
        counts = collections.Counter()
        for line in open(path, errors="replace"):
            # The closing summary ("Aggregated error counts", "... occurred N time(s).") repeats
            # the errors above it.
            if line.startswith("error:") and "Aggregated error counts" not in line and not re.search(r"occurred \d+ time", line):
                counts[re.sub(r"0x[0-9a-fA-F]+", "0x?", line.strip())] += 1
        return counts
    a, b = kinds(left), kinds(right)
    new = {k: (b[k], a.get(k, 0)) for k in b if b[k] > a.get(k, 0)}
    if new:
        print(f"{sum(n - o for n, o in new.values())} error(s) the input lacks:")
        for k, (n, o) in sorted(new.items(), key=lambda kv: -kv[1][0])[:5]:
            print(f"  {n} (input {o}): {k}")
        return 1
    print(f"no new error ({sum(a.values())} in the input, {sum(b.values())} in the output)")
    return 0


def gdb(left, right):
    def masked(path):
        out = []
        for line in open(path, errors="replace"):
            line = re.sub(r"0x[0-9a-f]+", "ADDR", line.rstrip("\n"))
            line = re.sub(r"<([^<>+]*)\+\d+>", r"<\1+N>", line)
            out.append(COLD.sub("", line))
        return out
    a, b = masked(left), masked(right)
    if a == b:
        print(f"same {len(a)} lines (addresses masked)")
        return 0
    for n, (x, y) in enumerate(zip(a + [""] * len(b), b + [""] * len(a))):
        if x != y:
            print(f"line {n + 1} differs: '{x}' != '{y}'")
            return 1
    return 1


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "symbolized" and len(sys.argv) == 6:
        return symbolized(*sys.argv[2:])
    if what == "verify" and len(sys.argv) == 4:
        return verify(*sys.argv[2:])
    if what == "gdb" and len(sys.argv) == 4:
        return gdb(*sys.argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
