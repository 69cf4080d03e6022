#!/usr/bin/env python3
"""fake-rewriter.py — a deliberately broken stand-in for `rewriter`, used only by
the harness/ self-tests to prove that Inputs/check-identity.sh detects failures.

    FAKE_REWRITER_MODE=MODE fake-rewriter.py IN -o OUT [OPTIONS...]

MODE:
  change-string   copy IN to OUT, replacing b"hello, rewriter" by b"jello, rewriter"
                  (the output runs but prints something else)
  no-output       exit 0 without writing OUT
  bad-symtab-link copy IN to OUT with the sh_link of .symtab set to 0
                  (runs fine; llvm-readelf -a warns but exits 0)
  zero-debug-abbrev copy IN to OUT with the contents of .debug_abbrev zeroed
                  (runs fine; llvm-dwarfdump --verify fails)
  copy            copy IN to OUT unchanged (options such as --force-new-segment
                  are ignored, so that check is expected to fail)
"""
import os
import shutil
import struct
import sys


def section_header(data, name):
    """File offset of the ELF64 section header called `name`."""
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
    str_off, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 24)
    for i in range(shnum):
        sh = shoff + i * shentsize
        start = str_off + struct.unpack_from("<I", data, sh)[0]
        if data[start:data.index(b"\0", start)] == name:
            return sh
    sys.exit("fake-rewriter: no section %s" % name.decode())


mode, src = os.environ.get("FAKE_REWRITER_MODE", "copy"), sys.argv[1]
out = sys.argv[sys.argv.index("-o") + 1]
if mode == "no-output":
    sys.exit(0)
data = open(src, "rb").read()
if mode == "change-string":
    data = data.replace(b"hello, rewriter", b"jello, rewriter")
elif mode == "bad-symtab-link":
    data = bytearray(data)
    struct.pack_into("<I", data, section_header(data, b".symtab") + 40, 0)
elif mode == "zero-debug-abbrev":
    data = bytearray(data)
    offset, size = struct.unpack_from("<QQ", data, section_header(data, b".debug_abbrev") + 24)
    data[offset:offset + size] = bytes(size)
elif mode != "copy":
    sys.exit("fake-rewriter: unknown mode " + mode)
with open(out, "wb") as f:
    f.write(data)
shutil.copymode(src, out)
