#!/usr/bin/env python3
"""retag-call-sites.py FILE: in FILE (a copy made for llvm-dwarfdump-22 --verify), give every
abbreviation of DW_TAG_call_site (0x48) the tag DW_TAG_call_site_parameter (0x49) and every one of
DW_TAG_GNU_call_site (0x4109) DW_TAG_GNU_call_site_parameter (0x410a), in place (same sizes).

Why: llvm-dwarfdump-22 --verify never ends on a call site whose parent is a lexical block, which
gcc writes in every optimized program (its call-site check climbs from the call site to the
enclosing subprogram but takes the call site's parent again at each step). The verifier has no
other rule for these tags than that climb, so after the retag it checks everything else. Applied
to the input and the output alike, a comparison of their reports stays fair.

Prints how many abbreviations changed; a compressed .debug_abbrev is left alone (exit 3)."""
import struct
import sys


def uleb(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    with open(path, "r+b") as f:
        image = bytearray(f.read())
        if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
            sys.exit(f"retag-call-sites.py: {path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", image, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", image, 0x3A)
        strtab = struct.unpack_from("<IIQQQQ", image, shoff + shstrndx * shentsize)[4]
        section = None
        for i in range(shnum):
            name, kind, flags, addr, offset, size = struct.unpack_from("<IIQQQQ", image, shoff + i * shentsize)
            end = image.index(b"\0", strtab + name)
            if image[strtab + name:end] == b".debug_abbrev":
                section = (flags, offset, size)
        if section is None:
            print("no .debug_abbrev")
            return 0
        flags, start, size = section
        if flags & 0x800:  # SHF_COMPRESSED
            print("compressed .debug_abbrev: left alone")
            return 3
        at, end, changed = start, start + size, 0
        while at < end:
            code, at = uleb(image, at)
            if code == 0:
                continue  # end of one unit's table
            tag_at = at
            tag, at = uleb(image, at)
            if tag == 0x48 and at - tag_at == 1:
                image[tag_at] = 0x49
                changed += 1
            elif tag == 0x4109 and at - tag_at == 2:
                image[tag_at] = 0x8A  # 0x410a in ULEB128: 0x8a 0x82
                changed += 1
            at += 1  # children flag
            while True:
                attribute, at = uleb(image, at)
                form, at = uleb(image, at)
                if form == 0x21:  # DW_FORM_implicit_const: an SLEB128 value follows
                    _, at = uleb(image, at)
                if attribute == 0 and form == 0:
                    break
        f.seek(0)
        f.write(image)
    print(f"{changed} call-site abbreviation(s) retagged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
