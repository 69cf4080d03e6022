#!/usr/bin/env python3
"""cold-bytes-grew.py WITHOUT.log WITH.log: the second rewrite moved more bytes to .text.cold."""
import re
import sys


def cold_bytes(path):
    with open(path) as f:
        match = re.search(r"split-functions: \d+ functions split, (\d+) bytes moved to \.text\.cold", f.read())
    if not match:
        sys.exit(f"cold-bytes-grew: no split-functions summary in {path}")
    return int(match.group(1))


before, after = cold_bytes(sys.argv[1]), cold_bytes(sys.argv[2])
print(f"cold bytes: {before} without --split-eh, {after} with it")
sys.exit(0 if after > before else 1)
