#!/usr/bin/env python3
"""Comparisons for tools/check-pipeline; each prints one line of findings and exits 1 on a
difference.

    compare.py symbolized TOOL SAMPLES IN OUT
        IN and OUT are the answers of TOOL (llvm-symbolizer | addr2line) for the input and output
        addresses of SAMPLES ("INPUT OUTPUT" per line). llvm-symbolizer: one block of frames per
        address, separated by an empty line; addr2line -a: each block starts with the address.
        A name NAME.cold.N (the symbol of a cold fragment, which the tools prefer to the DWARF
        name) counts as NAME; for addr2line, a frame naming the same function in another
        spelling (see symbolized) is counted apart. Fails on any address whose frames
        (function, file, line, column, inline frames) differ, or when no input address had a
        line.
    compare.py verify IN OUT [CODE-START]
        llvm-dwarfdump --verify reports: fails on an error kind (hex numbers masked) that OUT
        reports on more DIEs than IN; errors about code below CODE-START only are counted apart.
    compare.py gdb IN OUT
        gdb transcripts with addresses and symbol offsets masked; fails on a differing line."""
import collections
import re
import sys

COLD = re.compile(r"( \(\.cold\.\d+\)|\.cold\.\d+(?=$| |\)))")


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


def base_name(name):
    """A demangled function name reduced to what every spelling of it shares: no clone suffixes
    ([clone .part.0], .isra.0), no parameter list or qualifiers after it, no scope before it."""
    name = re.sub(r" \[clone [^]]*\]", "", name)
    name = re.sub(r"(\.(part|isra|constprop|cold|lto_priv)\.\d+)+$", "", name)
    depth, cut = 0, len(name)
    for k, ch in enumerate(name):  # the parameter list: the first "(" outside template arguments
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0 and k > 0 and not name.startswith("operator()", max(0, k - 8)):
            cut = k
            break
    name = name[:cut]
    depth, start = 0, 0
    for k, ch in enumerate(name):  # the scope: after the last "::" outside template arguments
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == ":" and depth == 0 and name[k:k + 2] == "::":
            start = k + 2
    return name[start:]


def loosely(block):
    """Frames with each function name reduced to its base name (even lines are names)."""
    return [base_name(line) if k % 2 == 0 else line for k, line in enumerate(block)]


def symbolized(tool, samples, left, right):
    pairs = [line.split() for line in open(samples) if line.strip()]
    read = blocks_llvm if tool == "llvm-symbolizer" else blocks_addr2line
    a, b = read(left), read(right)
    if len(a) != len(pairs) or len(b) != len(pairs):
        print(f"{tool} answered {len(a)} and {len(b)} addresses for {len(pairs)}")
        return 1
    with_line = sum(1 for block in a if len(block) > 1 and not block[1].startswith("??"))
    inlined = sum(1 for block in a if len(block) > 2)
    differ = [(p, x, y) for p, x, y in zip(pairs, a, b) if x != y]
    if with_line == 0:
        print(f"none of the {len(pairs)} input addresses has a line: nothing compared")
        return 1
    # addr2line (bfd) names a function by its symbol when the symbol covering the address starts
    # where the function's first range does, else by its DW_AT_name: in a cold fragment (our
    # NAME.cold.0, or gcc's NAME.cold) the same function then reads "f" instead of "ns::f(int)".
    # Frames that agree but for that are counted apart; everything else must be the same.
    styled = [(p, x, y) for p, x, y in differ if tool == "addr2line" and loosely(x) == loosely(y)]
    wrong = [(p, x, y) for p, x, y in differ if tool != "addr2line" or loosely(x) != loosely(y)]
    if wrong:
        print(f"{len(wrong)} of {len(pairs)} addresses differ; first ones (input -> output):")
        for (i, o), x, y in wrong[:4]:
            print(f"  {i} -> {o}:  {' | '.join(x)}  !=  {' | '.join(y)}")
        return 1
    note = f" ({len(styled)} name a function by DW_AT_name instead of its symbol)" if styled else ""
    print(f"{len(pairs)} moved instructions, {with_line} with a line, {inlined} inside inlined code: same frames{note}")
    return 0


def verify(left, right, code_start="0"):
    """An error is counted once per DIE it names (the first DIE printed after it): the verifier
    repeats an error for each entry of a location list, and a list cut along the new layout has
    more entries with the same expression. An error whose DIEs name only addresses below
    code_start (the lowest address of executable code) is about code the linker discarded (gcc's
    COMDAT copies and the like resolve to 0): whether such DIEs overlap depends on how their
    empty or adjacent ranges are written, not on the program, so those are counted apart."""
    code_start = int(code_start, 0)

    def kinds(path):
        seen, discarded = set(), set()
        blocks, current = [], None
        for line in open(path, errors="replace"):
            if line.startswith("error:") or line.startswith("warning:") or line.startswith("Verifying"):
                current = None
                # The closing summary ("Aggregated error counts", "... occurred N time(s).")
                # repeats the errors above it.
                if line.startswith("error:") and "Aggregated error counts" not in line and not re.search(r"occurred \d+ time", line):
                    current = [re.sub(r"0x[0-9a-fA-F]+", "0x?", line.strip())]
                    blocks.append(current)
            elif current is not None:
                current.append(line)
        for kind, *body in blocks:
            die = next((m.group(1) for m in (re.match(r"^(0x[0-9a-f]+): DW_TAG_", l) for l in body) if m), None)
            text = "".join(body)
            addresses = [int(x, 16) for pair in re.findall(r"\[0x([0-9a-f]+), 0x([0-9a-f]+)\)", text) for x in pair]
            addresses += [int(x, 16) for x in re.findall(r"DW_AT_(?:low_pc|high_pc|entry_pc)[^(\n]*\((0x[0-9a-f]+)", text)]
            if addresses and max(addresses) < code_start:
                discarded.add((kind, die))
            else:
                seen.add((kind, die))
        return collections.Counter(k for k, _ in seen), len(discarded)
    (a, a_discarded), (b, b_discarded) = kinds(left), kinds(right)
    new = {k: (b[k], a.get(k, 0)) for k in b if b[k] > a.get(k, 0)}
    apart = f"; apart: {a_discarded} and {b_discarded} about discarded code" if a_discarded or b_discarded else ""
    if new:
        print(f"{sum(n - o for n, o in new.values())} DIE(s) with an error kind the input has less often{apart}:")
        for k, (n, o) in sorted(new.items(), key=lambda kv: -kv[1][0])[:5]:
            print(f"  {n} DIEs (input {o}): {k}")
        return 1
    print(f"no new error ({sum(a.values())} DIEs with an error in the input, {sum(b.values())} in the output{apart})")
    return 0


def gdb(left, right):
    def masked(path):
        out = []
        for line in open(path, errors="replace"):
            line = re.sub(r"0x[0-9a-f]+", "ADDR", line.rstrip("\n"))
            line = re.sub(r"<([^<>+]*)\+\d+>", r"<\1+N>", line)
            # Where a line's code ends is an address past the last instruction of its range: with
            # blocks in a new order, the end of a fragment (in no symbol) is as good as any.
            line = re.sub(r"(and ends at ADDR) <[^<>]*>\.$", r"\1.", line)
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
    if what == "verify" and len(sys.argv) in (4, 5):
        return verify(*sys.argv[2:])
    if what == "gdb" and len(sys.argv) == 4:
        return gdb(*sys.argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
