#!/usr/bin/env python3
"""wrong-debug.py: builds the output a wrong debug update would have written, so that a test can
show that its check fails on it.

    wrong-debug.py stale INPUT OUTPUT WRONG SECTION...
        WRONG = OUTPUT with SECTION... put back (or added) as INPUT has them (what a tool that
        forgets to update those sections writes)
    wrong-debug.py swap-files OUTPUT WRONG NAME
        WRONG = OUTPUT with the directories of the two DWARF 4 .debug_line file entries named NAME
        swapped (what a line-table writer that confuses two files of one name writes)
    wrong-debug.py stale-type-operands INPUT OUTPUT WRONG
        WRONG = OUTPUT with the base-type operands of DW_OP_convert and DW_OP_regval_type in its
        .debug_loclists set back to the input's unit offsets (what a location-list writer that
        copies expressions unchanged writes once the base types' DIEs moved)
    wrong-debug.py absolute-high-pc OUTPUT WRONG
        WRONG = OUTPUT with every high_pc of class constant that follows a DW_FORM_addr low_pc
        holding the end address instead of the length
    wrong-debug.py raw-marked-compressed OUTPUT WRONG SECTION
        WRONG = OUTPUT with its debug sections decompressed and SECTION marked SHF_COMPRESSED
        again over its plain bytes (what llvm-bolt-22 writes for the sections it rewrites)
"""
import os
import struct
import subprocess
import sys
import tempfile

OBJCOPY = "/usr/lib/llvm-22/bin/llvm-objcopy"


def dump(binary, section, path):
    subprocess.run([OBJCOPY, "--dump-section", f"{section}={path}", binary, path + ".ignored"], check=True)
    os.remove(path + ".ignored")


def update(binary, wrong, sections):
    """Replaces (or, where binary lacks them, adds) sections."""
    present = subprocess.run([OBJCOPY.replace("objcopy", "readelf"), "-SW", binary], check=True, capture_output=True, text=True).stdout
    args = [OBJCOPY]
    for section, path in sections:
        option = "--update-section" if f" {section} " in present else "--add-section"
        args += [option, f"{section}={path}"]
    subprocess.run(args + [binary, wrong], check=True)


def stale(input_binary, output_binary, wrong, sections):
    with tempfile.TemporaryDirectory() as work:
        paths = []
        for section in sections:
            path = os.path.join(work, section.lstrip("."))
            dump(input_binary, section, path)
            paths.append((section, path))
        update(output_binary, wrong, paths)


def swap_files(output_binary, wrong, name):
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "line")
        dump(output_binary, ".debug_line", path)
        data = bytearray(open(path, "rb").read())
        entry = name.encode() + b"\0"
        # A DWARF 4 file entry: the name, then the directory index (ULEB128; one byte here).
        places = [i + len(entry) for i in range(len(data)) if data[i:i + len(entry)] == entry and (i == 0 or data[i - 1] == 0)]
        if len(places) != 2 or data[places[0]] == data[places[1]] or max(data[p] for p in places) >= 0x80:
            sys.exit(f"wrong-debug: expected two entries named {name} in two directories, found at {places}")
        data[places[0]], data[places[1]] = data[places[1]], data[places[0]]
        open(path, "wb").write(data)
        update(output_binary, wrong, [(".debug_line", path)])


def uleb(value, length):
    """value as a ULEB128 of exactly length bytes (padded with 0x80 continuation bytes)."""
    out = bytearray()
    for index in range(length):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if index < length - 1 else 0))
    if value:
        raise ValueError("does not fit")
    return bytes(out)


def load_checker():
    import importlib.util
    spec = importlib.util.spec_from_file_location("check", os.path.join(os.path.dirname(__file__), "bolt-bug-check.py"))
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    return check


def absolute_high_pc(output_binary, wrong):
    check = load_checker()
    sizes = {"DW_FORM_data4": 4, "DW_FORM_data8": 8}
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "info")
        dump(output_binary, ".debug_info", path)
        data = bytearray(open(path, "rb").read())
        changed = 0
        for die in check.read_info(output_binary)[1]:
            size = sizes.get(die.form("DW_AT_high_pc"))
            if size is None or die.form("DW_AT_low_pc") != "DW_FORM_addr":
                continue
            low, length = check.address_value(die, "DW_AT_low_pc"), check.constant(die, "DW_AT_high_pc")
            pattern = low.to_bytes(8, "little") + length.to_bytes(size, "little")
            at = data.find(pattern, die.offset)
            if at >= 0:
                data[at + 8:at + 8 + size] = (low + length).to_bytes(size, "little")
                changed += 1
        if not changed:
            sys.exit("wrong-debug: no low_pc (addr) + high_pc (length) pair found")
        open(path, "wb").write(data)
        update(output_binary, wrong, [(".debug_info", path)])


def stale_type_operands(input_binary, output_binary, wrong):
    check = load_checker()
    # Which output operand stands for which input operand: the DIEs in tree order, the operands
    # of each attribute in order (a split list entry repeats them).
    old_of = {}
    for a, b in zip(check.read_info(input_binary)[1], check.read_info(output_binary)[1]):
        for attr in a.attrs:
            olds = [int(x, 16) for x in check.BASE_TYPE_RE.findall(a.text(attr))]
            news = [int(x, 16) for x in check.BASE_TYPE_RE.findall(b.text(attr) or "")]
            for index, new in enumerate(news):
                old_of[new] = olds[index % len(olds)]
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "loclists")
        dump(output_binary, ".debug_loclists", path)
        data = bytearray(open(path, "rb").read())
        changed = 0
        for new, old in old_of.items():
            if new == old:
                continue
            for length in range(1, 6):
                for prefix in [b"\xa8"] + [bytes([0xA5, register]) for register in range(16)]:
                    pattern = prefix + uleb(new, length) if new < 1 << (7 * length) else None
                    while pattern and (at := data.find(pattern)) >= 0:
                        data[at + len(prefix):at + len(pattern)] = uleb(old, length)
                        changed += 1
        if not changed:
            sys.exit("wrong-debug: no base-type operand of the output differs from the input's")
        open(path, "wb").write(data)
        update(output_binary, wrong, [(".debug_loclists", path)])


SHF_COMPRESSED = 0x800


def raw_marked_compressed(output_binary, wrong, section):
    subprocess.run([OBJCOPY, "--decompress-debug-sections", output_binary, wrong], check=True)
    with open(wrong, "r+b") as f:
        elf = bytearray(f.read())
        shoff, = struct.unpack_from("<Q", elf, 40)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 58)
        strtab_offset, = struct.unpack_from("<Q", elf, shoff + shstrndx * shentsize + 24)
        for index in range(shnum):
            header = shoff + index * shentsize
            name_offset, = struct.unpack_from("<I", elf, header)
            name = elf[strtab_offset + name_offset:elf.index(0, strtab_offset + name_offset)].decode()
            if name == section:
                flags, = struct.unpack_from("<Q", elf, header + 8)
                struct.pack_into("<Q", elf, header + 8, flags | SHF_COMPRESSED)
                f.seek(0)
                f.write(elf)
                return
    sys.exit(f"wrong-debug: no section {section} in {output_binary}")


if __name__ == "__main__":
    if len(sys.argv) >= 6 and sys.argv[1] == "stale":
        stale(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) == 5 and sys.argv[1] == "swap-files":
        swap_files(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "stale-type-operands":
        stale_type_operands(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "absolute-high-pc":
        absolute_high_pc(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "raw-marked-compressed":
        raw_marked_compressed(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
