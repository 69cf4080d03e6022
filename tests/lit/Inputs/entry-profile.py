#!/usr/bin/env python3
"""entry-profile.py PROGRAM: a no_lbr .fdata with samples at the first byte of every function
only, so that every block but the entries has count zero (everything splittable is cold)."""
import subprocess
import sys

nm = subprocess.run(["llvm-nm-22", "--defined-only", sys.argv[1]], check=True, capture_output=True, text=True).stdout
print("no_lbr cycles")
for line in nm.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in ("t", "T"):
        print(f"1 {parts[2]} 0 100")
