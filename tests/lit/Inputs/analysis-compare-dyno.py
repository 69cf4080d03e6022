#!/usr/bin/env python3
"""analysis-compare-dyno.py — compare rewriter's --dyno-stats with llvm-bolt's.

    analysis-compare-dyno.py OURS BOLT [--tolerance PERCENT]

OURS is the stdout of `rewriter IN -o OUT --data P --dyno-stats`: the numbers after the line
`RW-INFO: program-wide dyno-stats before optimization:`.
BOLT is the output of `llvm-bolt IN -o OUT --data P --dyno-stats`: the FIRST block of numbers
after `BOLT-INFO: program-wide dynostats after all optimizations before SCTC and FOP:` (the
before-optimization numbers; the second block is the after-optimization one).

Both use the format `%20d : description`. The lines compared (CHECKED below) must be present in
both, non-zero in llvm-bolt's table, and agree within PERCENT (default 1) of llvm-bolt's value.
On success prints one `ok` line per compared stat; on failure prints both tables side by side,
the failing lines, and exits 1. Exit 2 on unreadable input.
"""
import re
import sys

CHECKED = [
    "executed instructions",
    "taken branches",
    "non-taken conditional branches",
    "all function calls",
]
LINE = re.compile(r"^\s*(\d+) : (.*?)(?: \((?:=|[+-][0-9.]+%)\))?\s*$")
OURS_HEADER = "RW-INFO: program-wide dyno-stats before optimization:"
BOLT_HEADER = "BOLT-INFO: program-wide dynostats after all optimizations before SCTC and FOP:"


def first_table(path, header):
    """Ordered (description, value) pairs of the first block of stat lines after `header`."""
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == header)
    except StopIteration:
        sys.exit(f"analysis-compare-dyno: {path}: no line `{header}`")
    table = []
    for line in lines[start + 1:]:
        match = LINE.match(line)
        if match:
            table.append((match.group(2), int(match.group(1))))
        elif table:
            break  # the first block ends at the first non-stat line (a blank line)
    if not table:
        sys.exit(f"analysis-compare-dyno: {path}: no dyno-stats lines after `{header}`")
    return table


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    tolerance = 1.0
    for i, a in enumerate(argv):
        if a == "--tolerance":
            tolerance = float(argv[i + 1])
            args.remove(argv[i + 1])
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ours_table = first_table(args[0], OURS_HEADER)
    bolt_table = first_table(args[1], BOLT_HEADER)
    ours, bolt = dict(ours_table), dict(bolt_table)

    failures = []
    for name in CHECKED:
        if name not in ours or name not in bolt:
            failures.append(f"`{name}` missing ({'rewriter' if name not in ours else 'llvm-bolt'})")
            continue
        expected, actual = bolt[name], ours[name]
        if expected == 0:
            failures.append(f"`{name}` is 0 in llvm-bolt's table: the profile did not apply")
            continue
        diff = 100.0 * abs(actual - expected) / expected
        if diff > tolerance:
            failures.append(f"`{name}`: rewriter {actual}, llvm-bolt {expected} ({diff:.2f}% > {tolerance}%)")
        else:
            print(f"ok {name}: rewriter {actual}, llvm-bolt {expected} ({diff:.2f}%)")

    if failures:
        print(f"dyno-stats differ by more than {tolerance}%:")
        for failure in failures:
            print("  FAIL " + failure)
        print()
        print(f"{'rewriter':>20}   {'llvm-bolt':>20}   description")
        for name, value in bolt_table:
            mine = ours.get(name)
            mark = "*" if name in CHECKED else " "
            print(f"{'-' if mine is None else mine:>20}   {value:>20} {mark} {name}")
        for name, value in ours_table:
            if name not in bolt:
                print(f"{value:>20}   {'-':>20}   {name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
