#!/usr/bin/env python3
"""Comparisons for tools/check-pipeline; each prints one line of findings and exits 1 on a
difference.

    compare.py aliases PROGRAM > ALIASES
        names of functions at one address, each spelling mapped to one canonical name
    compare.py symbolized TOOL SAMPLES IN OUT [ALIASES]
        IN and OUT are the answers of TOOL (llvm-symbolizer | addr2line) for the input and output
        addresses of SAMPLES ("INPUT OUTPUT" per line). llvm-symbolizer: one block of frames per
        address, separated by an empty line; addr2line -a: each block starts with the address.
        A name NAME.cold.N (the symbol of a cold fragment, which the tools prefer to the DWARF
        name) counts as NAME, and so does any alias of NAME (ALIASES); for addr2line, a frame naming the same function in another
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


def strip_groups(text, open_, close):
    """text without its outermost open_ ... close groups (balanced)."""
    out, depth = [], 0
    for ch in text:
        if ch == open_:
            depth += 1
        elif ch == close and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def base_name(name):
    """A demangled function name reduced to what every spelling of it shares (addr2line names a
    function by its symbol, demangled, or by its DW_AT_name, which gcc spells its own way): no
    clone suffixes ([clone .part.0], .isra.0), no template arguments, no parameter list or
    qualifiers, no return type, no scope."""
    name = re.sub(r" \[clone [^]]*\]", "", name)
    name = re.sub(r"(\.(part|isra|constprop|cold|lto_priv)\.\d+)+$", "", name)
    name = name.replace("operator()", "operator<call>").replace("operator<<", "operator<shl>")
    name = strip_groups(strip_groups(name, "<", ">"), "(", ")")
    name = strip_groups(name, "{", "}")
    name = re.sub(r"\s+(const|volatile|&|&&)\s*$", "", name.strip())
    return name.split("::")[-1].split()[-1] if name.split() else name


def loosely(block):
    """Frames with each function name reduced to its base name (even lines are names)."""
    return [base_name(line) if k % 2 == 0 else line for k, line in enumerate(block)]


def aliases(program):
    """Function symbols of PROGRAM that share an address (identical code the compiler or linker
    folded, constructor variants): "SPELLING<TAB>CANONICAL" lines, every spelling (mangled,
    demangled by llvm-cxxfilt-22 and by c++filt) of each name mapped to the group's lowest name.
    A cold fragment is named after one of them, the symbolizers may name the input's code after
    another."""
    import subprocess
    nm = subprocess.run(["llvm-nm-22", "--defined-only", "-P", program], check=True, capture_output=True, text=True).stdout
    groups = collections.defaultdict(set)
    for line in nm.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] in "tTwWi":
            groups[fields[2]].add(fields[0])
    names = sorted({n for g in groups.values() if len(g) > 1 for n in g})
    spellings = {n: {n} for n in names}
    for tool in (["llvm-cxxfilt-22"], ["c++filt"]):
        try:
            out = subprocess.run(tool, input="\n".join(names) + "\n", check=True, capture_output=True, text=True).stdout.splitlines()
        except (OSError, subprocess.CalledProcessError):
            continue
        for n, d in zip(names, out):
            spellings[n].add(d)
    for group in groups.values():
        if len(group) > 1:
            canonical = min(group)
            for n in sorted(group):
                for spelling in sorted(spellings[n]):
                    print(f"{spelling}\t{canonical}")
    return 0


def canonical(blocks, table):
    return [[table.get(line, line) if k % 2 == 0 else line for k, line in enumerate(block)] for block in blocks]


LLVM_PLACE = re.compile(r"^(.*):(\d+):\d+$")
BFD_PLACE = re.compile(r"^(.*):(\d+|\?)(?: \(discriminator \d+\))?$")


def places(block, llvm):
    """The file:line of each frame of an answer (llvm-symbolizer's columns dropped)."""
    found = []
    for line in block[1::2]:
        m = (LLVM_PLACE if llvm else BFD_PLACE).match(line)
        # addr2line's "?" is line 0
        found.append(f"{m.group(1)}:{m.group(2).replace('?', '0')}" if m else line)
    return found


COLD_SYMBOL = re.compile(r"\[clone \.cold\.\d+\]$|\.cold\.\d+$")


def named_by_cold_symbol(x, y):
    """The same frames at the same places, but where the output names a frame after a cold
    fragment's symbol."""
    return len(x) == len(y) and x[1::2] == y[1::2] and any(a != b for a, b in zip(x[0::2], y[0::2])) \
        and all(a == b or COLD_SYMBOL.search(b) for a, b in zip(x[0::2], y[0::2]))


def symbolized(tool, samples, left, right, alias_file=None, truth=None):
    """truth (addr2line only): llvm-symbolizer's answers for the input addresses. An output whose
    frames are at the places llvm-symbolizer gives for the input while the input's are not (bfd
    misreads some DWARF 5 the rewritten output writes plainly) is counted as corrected, not as a
    difference."""
    pairs = [line.split() for line in open(samples) if line.strip()]
    read = blocks_llvm if tool == "llvm-symbolizer" else blocks_addr2line
    a, b = read(left), read(right)
    raw = {tuple(p): (x, y) for p, x, y in zip(pairs, a, b)}
    if alias_file:
        table = dict(line.rstrip("\n").split("\t", 1) for line in open(alias_file) if "\t" in line)
        a, b = canonical(a, table), canonical(b, table)
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
    # The same rule names an inlined function whose first range opens a cold fragment (its entry
    # was moved there) after that fragment's symbol, NAME [clone .cold.N]: at the same places.
    def same_loosely(p, x, y):
        rx, ry = raw[tuple(p)]
        return tool == "addr2line" and (loosely(x) == loosely(y) or loosely(rx) == loosely(ry) or named_by_cold_symbol(rx, ry))
    truths = {tuple(p): block for p, block in zip(pairs, blocks_llvm(truth))} if truth else {}
    def corrected(p, x, y):
        right = truths.get(tuple(p))
        return right is not None and places(y, False) == places(right, True) != places(x, False)
    fixed = [(p, x, y) for p, x, y in differ if not same_loosely(p, x, y) and corrected(p, x, y)]
    styled = [(p, x, y) for p, x, y in differ if same_loosely(p, x, y)]
    wrong = [(p, x, y) for p, x, y in differ if not same_loosely(p, x, y) and not corrected(p, x, y)]
    if wrong:
        print(f"{len(wrong)} of {len(pairs)} addresses differ; first ones (input -> output):")
        for (i, o), x, y in wrong[:4]:
            print(f"  {i} -> {o}:  {' | '.join(x)}  !=  {' | '.join(y)}")
        return 1
    notes = ([f"{len(styled)} name a function by DW_AT_name instead of its symbol, or by a cold fragment's symbol"] if styled else []) \
        + ([f"{len(fixed)} read right in the output where the input is misread (llvm-symbolizer's places)"] if fixed else [])
    note = f" ({'; '.join(notes)})" if notes else ""
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
            # An offset into a symbol ("<xfree<void>(void*)+5>") changes with the code's size.
            line = re.sub(r"\+\d+>", "+N>", line)
            # Where a line's code ends is an address past the last instruction of its range: with
            # blocks in a new order, the end of a fragment (in no symbol) is as good as any.
            line = re.sub(r"(and ends at ADDR) <.*>\.$", r"\1.", line)
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
    if what == "aliases" and len(sys.argv) == 3:
        return aliases(sys.argv[2])
    if what == "symbolized" and len(sys.argv) in (6, 7, 8):
        return symbolized(*sys.argv[2:])
    if what == "verify" and len(sys.argv) in (4, 5):
        return verify(*sys.argv[2:])
    if what == "gdb" and len(sys.argv) == 4:
        return gdb(*sys.argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
