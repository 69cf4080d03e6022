#!/usr/bin/env python3
"""Writes the body of a .note.rewriter.addrmap section (the address map `rewriter` stores in a
program whose code it moved) that moves one function of ELF by SHIFT bytes, every instruction
keeping its offset:

    addrmap-note.py ELF SYMBOL SHIFT OUT

Instruction starts come from llvm-objdump, the function's extent from llvm-nm. SHIFT 0 is a map
that moves nothing, so the debug information of ELF must still verify against it."""
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Inputs"))
from dwarfbytes import encode_sleb, encode_uleb  # noqa: E402

elf, symbol, shift, out = sys.argv[1], sys.argv[2], int(sys.argv[3], 0), sys.argv[4]

start = size = None
for line in subprocess.run(["llvm-nm", "-S", "--defined-only", elf], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    fields = line.split()
    if len(fields) == 4 and fields[3] == symbol:
        start, size = int(fields[0], 16), int(fields[1], 16)
if start is None:
    sys.exit(f"{symbol} not found in {elf}")

disassembly = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn", f"--disassemble-symbols={symbol}", elf],
                             check=True, capture_output=True, text=True).stdout
instructions = sorted({int(m.group(1), 16) for m in re.finditer(r"^\s*([0-9a-f]+):\s", disassembly, re.M)})
instructions = [a for a in instructions if start <= a < start + size]
if not instructions:
    sys.exit(f"no instructions found for {symbol}")

# Format 2 (Rewriter/Core/Model/AddressMapNote.cs): one fragment, then each instruction as an
# explicit record: its length, its input and its output relative to where the previous one ended.
name = symbol.encode()
descriptor = struct.pack("<I", 2) + encode_uleb(1) + encode_uleb(len(name)) + name + b"\0"
descriptor += encode_uleb(start) + encode_uleb(size) + encode_uleb(start + shift) + encode_uleb(size) + encode_uleb(len(instructions))
ends = instructions[1:] + [start + size]
cursor = start
for a, end in zip(instructions, ends):
    length = end - a
    descriptor += encode_uleb(length << 1 | 1) + encode_sleb(a - cursor) + encode_sleb(a - cursor)
    cursor = a + length
owner = b"rewriter\0"
pad = lambda b: b + b"\0" * (-len(b) % 4)
with open(out, "wb") as f:
    f.write(struct.pack("<III", len(owner), len(descriptor), 1) + pad(owner) + pad(descriptor))
print(f"{len(instructions)} instructions of {symbol} [0x{start:x}, 0x{start + size:x}) moved by 0x{shift:x}")
