#!/usr/bin/env python3
"""Makes a copy of an ELF program with its debug information corrupted in one place:

    corrupt-debug.py IN OUT rename OLD NEW    # the .debug_str string OLD (same length as NEW)
    corrupt-debug.py IN OUT shorten FUNCTION  # DW_AT_high_pc (a data4 length) of FUNCTION, minus 1
    corrupt-debug.py IN OUT move-row          # one row of the first line program, one unit later

Only DWARF 4 with DWARF32 is handled; positions inside .debug_info come from llvm-dwarfdump -v."""
import re
import struct
import subprocess
import sys


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx][4]
    result = {}
    for name, _type, _flags, _addr, offset, size in headers:
        end = data.index(b"\0", names + name)
        result[data[names + name:end].decode()] = (offset, size)
    return result


def uleb(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7f) << shift
        shift += 7
        if byte < 0x80:
            return value, at


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


def shorten(data, path, function):
    dump = subprocess.run(["llvm-dwarfdump", "-v", "--debug-info", path], check=True, capture_output=True, text=True).stdout
    for die in re.split(r"\n(?=0x[0-9a-f]+: )", dump):
        if not re.match(r"0x[0-9a-f]+:\s+DW_TAG_subprogram ", die) or f'= "{function}")' not in die:
            continue
        die_offset = int(die.split(":")[0], 16)
        code = int(re.match(r"0x[0-9a-f]+:\s+DW_TAG_subprogram \[(\d+)\]", die).group(1))
        position = die_offset + len(bytes(uleb_encode(code)))
        for name, form in re.findall(r"^\s+(DW_AT_\w+) \[(DW_FORM_\w+)\]", die, re.M):
            if name == "DW_AT_high_pc":
                assert form == "DW_FORM_data4", form
                info, _ = sections(data)[".debug_info"]
                length, = struct.unpack_from("<I", data, info + position)
                struct.pack_into("<I", data, info + position, length - 1)
                return
            position += FIXED_SIZES[form]
    sys.exit(f"no subprogram {function} with a data4 DW_AT_high_pc")


def uleb_encode(value):
    while True:
        byte = value & 0x7f
        value >>= 7
        yield byte | (0x80 if value else 0)
        if not value:
            return


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
else:
    sys.exit(f"unknown action {action}")
open(target, "wb").write(data)
