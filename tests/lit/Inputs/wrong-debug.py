#!/usr/bin/env python3
"""wrong-debug.py: builds the output a wrong debug update would have written, so that a test can
show that its check fails on it.

    wrong-debug.py stale INPUT OUTPUT WRONG SECTION...
        WRONG = OUTPUT with SECTION... put back (or added) as INPUT has them (what a tool that
        forgets to update those sections writes)
    wrong-debug.py swap-files OUTPUT WRONG NAME
        WRONG = OUTPUT with the directories of the two DWARF 4 .debug_line file entries named NAME
        swapped (what a line-table writer that confuses two files of one name writes)
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
    elif len(sys.argv) == 5 and sys.argv[1] == "raw-marked-compressed":
        raw_marked_compressed(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
