"""dwarfbytes.py — what the test helpers that read or write DWARF share: ELF64 section headers, and
LEB128 both ways."""
import struct


def section_headers(image):
    """name -> (file offset of its section header, file offset of its contents, size)"""
    shoff, = struct.unpack_from("<Q", image, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", image, 58)
    headers = [shoff + i * shentsize for i in range(shnum)]
    names_at, = struct.unpack_from("<Q", image, headers[shstrndx] + 24)
    found = {}
    for header in headers:
        name_offset, = struct.unpack_from("<I", image, header)
        end = image.index(b"\0", names_at + name_offset)
        offset, size = struct.unpack_from("<QQ", image, header + 24)
        found[image[names_at + name_offset:end].decode()] = (header, offset, size)
    return found


def uleb(data, at):
    """The ULEB128 at `at`, and the position after it."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7f) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_uleb(value):
    out = bytearray()
    while True:
        byte, value = value & 0x7f, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def encode_sleb(value):
    out = bytearray()
    while True:
        byte, value = value & 0x7f, value >> 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)
