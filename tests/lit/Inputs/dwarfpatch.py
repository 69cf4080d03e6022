#!/usr/bin/env python3
"""dwarfpatch.py — make a copy of an ELF64 file with one DWARF 5 corruption, for the error tests.

    dwarfpatch.py IN OUT CORRUPTION

CORRUPTION is one of
    truncated-unit      .debug_info ends 4 bytes early (sh_size), inside the last unit
    unknown-form        the first attribute of the first abbreviation gets form 0x7f
    reference-range     the first DW_FORM_ref4 of the first unit points past the unit
    loclist-past-end    .debug_loclists and its table lose their last byte (sh_size and
                        unit_length), so the last location list runs past the section

Prints what it changed, at which section offset.  Exits 2 when the input does not have what the
corruption needs (no such section, a form this script cannot step over).
"""
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dwarfbytes import section_headers, uleb  # noqa: E402

# DWARF 5 forms of a fixed size (DWARF32, 8-byte addresses).
FIXED = {0x01: 8, 0x0b: 1, 0x05: 2, 0x06: 4, 0x07: 8, 0x1e: 16, 0x0c: 1, 0x19: 0, 0x10: 4,
         0x11: 1, 0x12: 2, 0x13: 4, 0x14: 8, 0x0e: 4, 0x1f: 4, 0x17: 4, 0x20: 8, 0x25: 1,
         0x26: 2, 0x27: 3, 0x28: 4, 0x29: 1, 0x2a: 2, 0x2b: 3, 0x2c: 4, 0x21: 0}
ULEB_FORMS = {0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23}   # udata, ref_udata, strx, addrx, loclistx, rnglistx
BLOCK_FORMS = {0x09, 0x18}                          # block, exprloc (ULEB length)
DW_FORM_REF4, DW_FORM_SDATA, DW_FORM_STRING, DW_FORM_IMPLICIT_CONST = 0x13, 0x0d, 0x08, 0x21


def die(message):
    print("dwarfpatch: error: " + message, file=sys.stderr)
    sys.exit(2)


def section(image, name):
    found = section_headers(image)
    if name not in found:
        die(f"no section {name}")
    return found[name]


def first_abbreviation_form(image):
    """File offset of the form of the first attribute of the first abbreviation."""
    _, offset, _ = section(image, ".debug_abbrev")
    at = uleb(image, offset)[1]          # code
    at = uleb(image, at)[1] + 1          # tag, children
    return uleb(image, at)[1] - offset   # attribute name; the form follows


def abbreviations(image, table):
    """code -> [(attribute, form, implicit_const)] of the table at file offset `table`."""
    result, at = {}, table
    while True:
        code, at = uleb(image, at)
        if code == 0:
            return result
        _, at = uleb(image, at)
        at += 1
        specs = []
        while True:
            name, at = uleb(image, at)
            form, at = uleb(image, at)
            if name == 0 and form == 0:
                break
            if form == DW_FORM_IMPLICIT_CONST:
                _, at = uleb(image, at)  # SLEB, only stepped over
            specs.append(form)
        result[code] = specs


def first_ref4(image):
    """Section offset of the first DW_FORM_ref4 value in the first unit, and the unit's size."""
    _, info, _ = section(image, ".debug_info")
    _, abbrev, _ = section(image, ".debug_abbrev")
    length, version, unit_type, _, abbrev_offset = struct.unpack_from("<IHBBI", image, info)
    if version != 5 or unit_type != 1:
        die(f"the first unit is not a DWARF 5 compile unit (version {version}, type {unit_type})")
    table = abbreviations(image, abbrev + abbrev_offset)
    at, end = info + 12, info + 4 + length
    while at < end:
        code, at = uleb(image, at)
        if code == 0:
            continue
        for form in table[code]:
            if form == DW_FORM_REF4:
                return at - info, length + 4
            if form in FIXED:
                at += FIXED[form]
            elif form in ULEB_FORMS or form == DW_FORM_SDATA:
                at = uleb(image, at)[1]
            elif form in BLOCK_FORMS:
                size, at = uleb(image, at)
                at += size
            elif form == DW_FORM_STRING:
                at = image.index(b"\0", at) + 1
            else:
                die(f"cannot step over form 0x{form:x}")
    die("the first unit has no DW_FORM_ref4")


def main():
    if len(sys.argv) != 4:
        die("usage: dwarfpatch.py IN OUT CORRUPTION")
    source, target, corruption = sys.argv[1:]
    shutil.copy(source, target)
    image = bytearray(open(target, "rb").read())
    if corruption == "truncated-unit":
        header, _, size = section(image, ".debug_info")
        struct.pack_into("<Q", image, header + 32, size - 4)
        print(f".debug_info: size 0x{size:x} -> 0x{size - 4:x}")
    elif corruption == "unknown-form":
        at = first_abbreviation_form(image)
        _, offset, _ = section(image, ".debug_abbrev")
        print(f".debug_abbrev+0x{at:x}: form 0x{image[offset + at]:x} -> 0x7f")
        image[offset + at] = 0x7f
    elif corruption == "reference-range":
        at, unit_size = first_ref4(image)
        _, info, _ = section(image, ".debug_info")
        old, = struct.unpack_from("<I", image, info + at)
        struct.pack_into("<I", image, info + at, unit_size + 0x100)
        print(f".debug_info+0x{at:x}: ref4 0x{old:x} -> 0x{unit_size + 0x100:x}")
    elif corruption == "loclist-past-end":
        header, offset, size = section(image, ".debug_loclists")
        length, = struct.unpack_from("<I", image, offset)
        if length + 4 != size:
            die(".debug_loclists holds more than one table")
        struct.pack_into("<Q", image, header + 32, size - 1)
        struct.pack_into("<I", image, offset, length - 1)
        print(f".debug_loclists: size 0x{size:x} -> 0x{size - 1:x}, unit_length 0x{length:x} -> 0x{length - 1:x}")
    else:
        die(f"unknown corruption {corruption}")
    open(target, "wb").write(image)


if __name__ == "__main__":
    main()
