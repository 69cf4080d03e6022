#!/usr/bin/env python3
"""elfpatch.py — make a corrupt copy of an ELF64 little-endian file for the error tests.

    elfpatch.py IN OUT EDIT...

Copies IN to OUT (contents and mode), then applies each EDIT in order.  Values are integers
(decimal or 0x...) and may use `size` for the size of IN, as in `size+0x1000`.

    ident.class=V          e_ident[EI_CLASS]  (1 = ELFCLASS32, 2 = ELFCLASS64)
    ident.data=V           e_ident[EI_DATA]   (1 = little, 2 = big endian)
    ident.magic=TEXT       the four magic bytes, e.g. ident.magic=XELF
    ehdr.FIELD=V           an ELF header field: e_type e_machine e_phoff e_shoff
                           e_phnum e_shnum e_shstrndx ...
    shdr[NAME].FIELD=V     a field of the section header named NAME (looked up
                           through the ORIGINAL string table): sh_name sh_offset
                           sh_size sh_type ...
    phdr[TYPE#N].FIELD=V   a field of the N-th (from 0; -1 = last) program header
                           of type TYPE (LOAD, DYNAMIC, PHDR, ...): p_offset
                           p_filesz p_vaddr ...
    truncate=V             cut OUT to V bytes

Prints one line per edit (old -> new value) so that a failing test shows what
was changed.  Exits 2 on a bad edit, e.g. a section that does not exist.
"""
import re
import shutil
import struct
import sys

EHDR = {  # name: (offset, struct format)
    "e_type": (16, "<H"), "e_machine": (18, "<H"), "e_version": (20, "<I"),
    "e_entry": (24, "<Q"), "e_phoff": (32, "<Q"), "e_shoff": (40, "<Q"),
    "e_flags": (48, "<I"), "e_ehsize": (52, "<H"), "e_phentsize": (54, "<H"),
    "e_phnum": (56, "<H"), "e_shentsize": (58, "<H"), "e_shnum": (60, "<H"),
    "e_shstrndx": (62, "<H"),
}
SHDR = {
    "sh_name": (0, "<I"), "sh_type": (4, "<I"), "sh_flags": (8, "<Q"),
    "sh_addr": (16, "<Q"), "sh_offset": (24, "<Q"), "sh_size": (32, "<Q"),
    "sh_link": (40, "<I"), "sh_info": (44, "<I"), "sh_addralign": (48, "<Q"),
    "sh_entsize": (56, "<Q"),
}
PHDR = {
    "p_type": (0, "<I"), "p_flags": (4, "<I"), "p_offset": (8, "<Q"),
    "p_vaddr": (16, "<Q"), "p_paddr": (24, "<Q"), "p_filesz": (32, "<Q"),
    "p_memsz": (40, "<Q"), "p_align": (48, "<Q"),
}
PT = {"NULL": 0, "LOAD": 1, "DYNAMIC": 2, "INTERP": 3, "NOTE": 4, "PHDR": 6,
      "TLS": 7, "GNU_EH_FRAME": 0x6474E550, "GNU_STACK": 0x6474E551,
      "GNU_RELRO": 0x6474E552}


def die(msg):
    print("elfpatch: error: " + msg, file=sys.stderr)
    sys.exit(2)


def value(text, size):
    """An integer, `size`, or a sum/difference of those: size+0x1000, size-8."""
    total = 0
    for sign, term in re.findall(r"([+-]?)\s*(size|0x[0-9a-fA-F]+|\d+)\s*", text):
        n = size if term == "size" else int(term, 0)
        total += -n if sign == "-" else n
    if re.sub(r"[+-]?\s*(size|0x[0-9a-fA-F]+|\d+)\s*", "", text):
        die("bad value %r" % text)
    return total


def get(buf, off, fmt):
    return struct.unpack_from(fmt, buf, off)[0]


def put(buf, off, fmt, v, what):
    old = get(buf, off, fmt)
    struct.pack_into(fmt, buf, off, v)
    print("elfpatch: %s: %#x -> %#x" % (what, old, v))


def section_offset(orig, name):
    shoff, shentsize = get(orig, 40, "<Q"), get(orig, 58, "<H")
    shnum, shstrndx = get(orig, 60, "<H"), get(orig, 62, "<H")
    strtab = shoff + shstrndx * shentsize
    str_off = get(orig, strtab + 24, "<Q")
    for i in range(shnum):
        sh = shoff + i * shentsize
        start = str_off + get(orig, sh, "<I")
        end = orig.index(b"\0", start)
        if orig[start:end].decode() == name:
            return sh
    die("no section named %s" % name)


def segment_offset(orig, ptype, n):
    phoff, phentsize, phnum = get(orig, 32, "<Q"), get(orig, 54, "<H"), get(orig, 56, "<H")
    if ptype not in PT:
        die("unknown segment type %s" % ptype)
    matches = [phoff + i * phentsize for i in range(phnum)
               if get(orig, phoff + i * phentsize, "<I") == PT[ptype]]
    try:
        return matches[n]
    except IndexError:
        die("no %s segment #%d" % (ptype, n))


def main(argv):
    if len(argv) < 4:
        die("usage: elfpatch.py IN OUT EDIT...")
    orig = open(argv[1], "rb").read()
    if orig[:4] != b"\x7fELF" or orig[4] != 2 or orig[5] != 1:
        die("%s is not an ELF64 little-endian file" % argv[1])
    size = len(orig)
    buf = bytearray(orig)
    for edit in argv[3:]:
        key, sep, text = edit.partition("=")
        if not sep:
            die("bad edit %r (expected KEY=VALUE)" % edit)
        if key == "ident.magic":
            print("elfpatch: ident.magic: %r -> %r" % (bytes(buf[:4]), text.encode()[:4]))
            buf[:4] = text.encode()[:4].ljust(4, b"\0")
            continue
        v = value(text, size)
        if key == "truncate":
            print("elfpatch: truncate: %d -> %d bytes" % (len(buf), v))
            del buf[v:]
        elif key == "ident.class":
            put(buf, 4, "<B", v, key)
        elif key == "ident.data":
            put(buf, 5, "<B", v, key)
        elif key.startswith("ehdr.") and key[5:] in EHDR:
            off, fmt = EHDR[key[5:]]
            put(buf, off, fmt, v, key)
        elif m := re.fullmatch(r"shdr\[([^\]]+)\]\.(\w+)", key):
            if m.group(2) not in SHDR:
                die("unknown section header field %s" % m.group(2))
            off, fmt = SHDR[m.group(2)]
            put(buf, section_offset(orig, m.group(1)) + off, fmt, v, key)
        elif m := re.fullmatch(r"phdr\[(\w+)#(-?\d+)\]\.(\w+)", key):
            if m.group(3) not in PHDR:
                die("unknown program header field %s" % m.group(3))
            off, fmt = PHDR[m.group(3)]
            put(buf, segment_offset(orig, m.group(1), int(m.group(2))) + off, fmt, v, key)
        else:
            die("unknown edit %r" % edit)
    with open(argv[2], "wb") as f:
        f.write(buf)
    shutil.copymode(argv[1], argv[2])  # a patched executable stays executable


if __name__ == "__main__":
    main(sys.argv)
