#!/usr/bin/env python3
"""Makes a copy of an ELF program with its debug information corrupted in one place:

    corrupt-debug.py IN OUT rename OLD NEW    # the .debug_str string OLD (same length as NEW)
    corrupt-debug.py IN OUT shorten FUNCTION  # DW_AT_high_pc (a data4 length) of FUNCTION, minus 1
    corrupt-debug.py IN OUT move-row          # one row of the first line program, one unit later
    corrupt-debug.py IN OUT shift-addr VAR    # the DW_OP_addr of variable VAR's DW_AT_location, plus 8
    corrupt-debug.py IN OUT decl-line NAME    # DW_AT_decl_line (data1/data2) of the DIE named NAME, plus 1
    corrupt-debug.py IN OUT bad-abbrev-offset # the first unit's abbreviation offset points past .debug_abbrev

Only DWARF 4 with DWARF32 is handled (the issue's two misses, DW_OP_addr and decl_line, included); positions inside .debug_info come from llvm-dwarfdump -v."""
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Inputs"))
from dwarfbytes import encode_uleb, section_headers, uleb  # noqa: E402


def sections(data):
    return {name: (offset, size) for name, (_, offset, size) in section_headers(data).items()}


FIXED_SIZES = {"DW_FORM_addr": 8, "DW_FORM_data1": 1, "DW_FORM_data2": 2, "DW_FORM_data4": 4,
               "DW_FORM_data8": 8, "DW_FORM_strp": 4, "DW_FORM_ref4": 4, "DW_FORM_sec_offset": 4,
               "DW_FORM_flag_present": 0, "DW_FORM_flag": 1}


def rename(data, old, new):
    offset, size = sections(data)[".debug_str"]
    old, new = old.encode() + b"\0", new.encode() + b"\0"
    assert len(old) == len(new), "names must have the same length"
    at = data.find(old, offset, offset + size)
    assert at >= 0 and (at == offset or data[at - 1] == 0), "string not found in .debug_str"
    data[at:at + len(old)] = new


def find_attribute(data, path, tag, name, attribute):
    """The .debug_info file position and form of ATTRIBUTE in the first TAG DIE named NAME."""
    dump = subprocess.run(["llvm-dwarfdump", "-v", "--debug-info", path], check=True, capture_output=True, text=True).stdout
    info, _ = sections(data)[".debug_info"]
    for die in re.split(r"\n(?=0x[0-9a-f]+: )", dump):
        header = re.match(r"0x[0-9a-f]+:\s+(DW_TAG_\w+) \[(\d+)\]", die)
        if not header or header.group(1) != tag or f'= "{name}")' not in die:
            continue
        position = info + int(die.split(":")[0], 16) + len(encode_uleb(int(header.group(2))))
        for attr, form in re.findall(r"^\s+(DW_AT_\w+) \[(DW_FORM_\w+)\]", die, re.M):
            if attr == attribute:
                return position, form
            if form == "DW_FORM_exprloc":
                length, at = uleb(data, position)
                position = at + length
            elif form in ("DW_FORM_udata", "DW_FORM_sdata"):
                _, position = uleb(data, position)
            else:
                position += FIXED_SIZES[form]
    sys.exit(f"no {tag} {name} with {attribute}")


def shorten(data, path, function):
    position, form = find_attribute(data, path, "DW_TAG_subprogram", function, "DW_AT_high_pc")
    assert form == "DW_FORM_data4", form
    length, = struct.unpack_from("<I", data, position)
    struct.pack_into("<I", data, position, length - 1)


def shift_addr(data, path, variable):
    position, form = find_attribute(data, path, "DW_TAG_variable", variable, "DW_AT_location")
    assert form == "DW_FORM_exprloc", form
    _, at = uleb(data, position)
    assert data[at] == 0x03, "the location is not a DW_OP_addr"
    address, = struct.unpack_from("<Q", data, at + 1)
    struct.pack_into("<Q", data, at + 1, address + 8)


def decl_line(data, path, name):
    for tag in ("DW_TAG_subprogram", "DW_TAG_variable"):
        try:
            position, form = find_attribute(data, path, tag, name, "DW_AT_decl_line")
            break
        except SystemExit:
            continue
    else:
        sys.exit(f"no DIE {name} with DW_AT_decl_line")
    assert form in ("DW_FORM_data1", "DW_FORM_data2"), form
    data[position] += 1


def move_row(data):
    base, _ = sections(data)[".debug_line"]
    unit_length, version, header_length = struct.unpack_from("<IHI", data, base)
    assert version == 4 and unit_length < 0xfffffff0, "DWARF 4, DWARF32 line tables only"
    line_range, opcode_base = data[base + 14], data[base + 15]
    standard_lengths = data[base + 16:base + 15 + opcode_base]
    at, end = base + 10 + header_length, base + 4 + unit_length
    moved = None
    while at < end:
        opcode = data[at]
        if opcode >= opcode_base:
            advance = (opcode - opcode_base) // line_range
            if moved is None and advance > 0 and opcode + line_range <= 255:
                data[at] += line_range      # this row: one address unit later
                moved = at
            elif moved is not None and advance > 1:
                data[at] -= line_range      # the next row: back where it was
                return
            at += 1
        elif opcode == 0:
            length, at = uleb(data, at + 1)
            at += length
        elif opcode == 9:                   # DW_LNS_fixed_advance_pc: a uhalf operand
            at += 3
        else:
            at += 1
            for _ in range(standard_lengths[opcode - 1]):
                _, at = uleb(data, at)
    sys.exit("no special opcode pair to move a row with")


source, target, action, *arguments = sys.argv[1:]
data = bytearray(open(source, "rb").read())
if action == "rename":
    rename(data, *arguments)
elif action == "shorten":
    shorten(data, source, *arguments)
elif action == "move-row":
    move_row(data)
elif action == "shift-addr":
    shift_addr(data, source, *arguments)
elif action == "bad-abbrev-offset":
    info, _ = sections(data)[".debug_info"]
    struct.pack_into("<I", data, info + 6, 0x7ffffff0)
elif action == "decl-line":
    decl_line(data, source, *arguments)
else:
    sys.exit(f"unknown action {action}")
open(target, "wb").write(data)
