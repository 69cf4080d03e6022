#!/usr/bin/env python3
"""fdes-in-section.py BINARY SECTION — how many .eh_frame FDEs of BINARY cover code in SECTION.

Prints "N FDEs in SECTION" and "M FDEs outside any executable section" (an FDE must describe
code), reading llvm-readelf-22 -S and llvm-dwarfdump-22 --eh-frame. Exit 1 when SECTION is missing.
"""
import re
import subprocess
import sys

binary, wanted = sys.argv[1], sys.argv[2]
sections = subprocess.run(["llvm-readelf-22", "-S", "-W", binary], capture_output=True, text=True, check=True).stdout
executable, target = [], None
for line in sections.splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
    if not m:
        continue
    name, address, size, flags = m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)
    if "X" in flags:
        executable.append((address, address + size))
    if name == wanted:
        target = (address, address + size)
if target is None:
    print(f"no section {wanted}")
    sys.exit(1)
frames = subprocess.run(["llvm-dwarfdump-22", "--eh-frame", binary], capture_output=True, text=True, check=True).stdout
inside = outside = 0
for start, end in re.findall(r" FDE cie=\S+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+)", frames):
    start, end = int(start, 16), int(end, 16)
    if target[0] <= start and end <= target[1]:
        inside += 1
    if not any(lo <= start and end <= hi for lo, hi in executable):
        outside += 1
print(f"{inside} FDEs in {wanted}")
print(f"{outside} FDEs outside any executable section")
