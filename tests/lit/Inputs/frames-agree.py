#!/usr/bin/env python3
"""frames-agree.py BINARY [SYMBOL...] — for a program whose code is described by both .eh_frame and
.debug_frame: every .debug_frame FDE has an .eh_frame FDE with the same code range and the same
unwind rows (llvm-dwarfdump-22 --debug-frame's evaluated table). After a rewrite, .eh_frame is
rebuilt by emission and .debug_frame by the debug update: two implementations that must agree.

Each SYMBOL (a fragment such as fib.cold.0) must start an FDE of both sections.
Prints "N FDEs agree" or each disagreement; exit 1 on any (or when there is no FDE to compare).
"""
import re
import subprocess
import sys

binary, symbols = sys.argv[1], sys.argv[2:]
dump = subprocess.run(["llvm-dwarfdump-22", "--debug-frame", binary], capture_output=True, text=True, check=True).stdout
debug_part, _, eh_part = dump.partition(".eh_frame contents:")


def tables(text):
    """(start, end) of each FDE -> its rows as "0xADDR: CFA=...: ..." lines."""
    found, current = {}, None
    for line in text.splitlines():
        fde = re.search(r" FDE cie=\S+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+)", line)
        if fde:
            current = (int(fde.group(1), 16), int(fde.group(2), 16))
            found[current] = []
        elif " CIE" in line:
            current = None
        elif current and re.match(r"\s+0x[0-9a-f]+: CFA=", line):
            found[current].append(line.strip())
    return found


debug, eh = tables(debug_part), tables(eh_part)
problems = []
for (start, end), rows in sorted(debug.items()):
    if start == end:
        continue
    if (start, end) not in eh:
        problems.append(f".debug_frame FDE [0x{start:x}, 0x{end:x}) has no .eh_frame FDE with that range")
    elif eh[(start, end)] != rows:
        problems.append(f"[0x{start:x}, 0x{end:x}): .debug_frame rows {rows[:4]} but .eh_frame rows {eh[(start, end)][:4]}")
if symbols:
    nm = subprocess.run(["llvm-nm-22", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    addresses = {parts[2]: int(parts[0], 16) for parts in (line.split() for line in nm.splitlines()) if len(parts) == 3}
    for symbol in symbols:
        if symbol not in addresses:
            problems.append(f"no symbol {symbol}")
        elif not any(start == addresses[symbol] for start, _ in debug) or not any(start == addresses[symbol] for start, _ in eh):
            problems.append(f"{symbol} at 0x{addresses[symbol]:x} does not start an FDE of both sections")
for problem in problems:
    print(problem)
if not debug:
    print("no .debug_frame FDE")
    sys.exit(1)
agree = sum(1 for (start, end), rows in debug.items() if start != end and eh.get((start, end)) == rows)
print(f"{agree} FDEs agree, {len(problems)} disagree")
sys.exit(1 if problems else 0)
