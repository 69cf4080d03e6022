#!/usr/bin/env python3
"""compression-types.py ELF — one line per SHF_COMPRESSED section: its name and the compression
its Elf64_Chdr names (zlib, zstd), in section order."""
import struct
import sys

from dwarfbytes import section_headers

SHF_COMPRESSED = 0x800
KINDS = {1: "zlib", 2: "zstd"}

image = open(sys.argv[1], "rb").read()
for name, (header, offset, size) in section_headers(image).items():
    flags, = struct.unpack_from("<Q", image, header + 8)
    if flags & SHF_COMPRESSED:
        kind, = struct.unpack_from("<I", image, offset)
        print(f"{name} {KINDS.get(kind, f'type {kind}')}")
