#!/usr/bin/env python3
"""Reads the address map a rewritten program carries (.note.rewriter.addrmap, format 2 of
Rewriter/Core/Model/AddressMapNote.cs) and prints deterministic samples of it for
tools/check-pipeline:

    addrmap.py instructions PROGRAM N   N moved instructions, "INPUT OUTPUT" (hex) per line,
                                        spread evenly over the map in input order, plus the first
                                        instruction of every cold fragment (at most N/4 of them);
                                        N = 0: every moved instruction
    addrmap.py functions PROGRAM K      K hot fragments whose first instruction is their input
                                        start (function entries), "NAME INPUT OUTPUT COLD" per
                                        line, COLD = 1 when the function also has a cold fragment;
                                        spread evenly, functions with a cold part first
    addrmap.py summary PROGRAM          fragment and instruction counts
    addrmap.py code-start PROGRAM       the lowest address of an executable section (hex)

Exit status 1 when PROGRAM has no address map (nothing moved, or not our output)."""
import struct
import sys

SECTION = ".note.rewriter.addrmap"


def section_headers(path):
    with open(path, "rb") as f:
        image = f.read()
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        sys.exit(f"addrmap.py: {path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", image, 0x3A)
    headers = []
    for i in range(shnum):
        name, kind, flags, addr, offset, size = struct.unpack_from("<IIQQQQ", image, shoff + i * shentsize)
        headers.append((name, flags, addr, offset, size))
    return image, headers, shstrndx


def code_start(path):
    _, headers, _ = section_headers(path)
    return min((addr for _, flags, addr, _, size in headers if flags & 0x4 and size), default=0)  # SHF_EXECINSTR


def read_section(path, wanted):
    image, all_headers, shstrndx = section_headers(path)
    headers = [(name, offset, size) for name, _, _, offset, size in all_headers]
    strtab_offset = headers[shstrndx][1]
    for name, offset, size in headers:
        end = image.index(b"\0", strtab_offset + name)
        if image[strtab_offset + name:end].decode() == wanted:
            return image[offset:offset + size]
    return None


class Cursor:
    def __init__(self, data):
        self.data, self.at = data, 0

    def u8(self):
        self.at += 1
        return self.data[self.at - 1]

    def u32(self):
        self.at += 4
        return struct.unpack_from("<I", self.data, self.at - 4)[0]

    def take(self, n):
        if self.at + n > len(self.data):
            raise ValueError("past the end")
        self.at += n
        return self.data[self.at - n:self.at]

    def uleb(self):
        value = shift = 0
        while True:
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def sleb(self):
        value = shift = 0
        while True:
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value - (1 << shift) if byte & 0x40 else value


def decode(note):
    """[(name, cold, input_start, input_end, output_start, [(input, output, length), ...]), ...]"""
    c = Cursor(note)
    owner_size, descriptor_size, kind = c.u32(), c.u32(), c.u32()
    owner = c.take(owner_size)
    if kind != 1 or owner != b"rewriter\0":
        raise ValueError("not a rewriter address map note")
    c.take(-owner_size % 4)
    d = Cursor(c.take(descriptor_size))
    version = d.u32()
    if version != 2:
        raise ValueError(f"address map format {version}, this reader knows 2")
    fragments = []
    for _ in range(d.uleb()):
        name = d.take(d.uleb()).decode("utf-8", "replace")
        cold = d.u8() == 1
        input_start, input_size, output_start, output_size = d.uleb(), d.uleb(), d.uleb(), d.uleb()
        count = d.uleb()
        instructions = []
        at, to = input_start, output_start
        while len(instructions) < count:
            h = d.uleb()
            if h & 1 == 0:
                run = h >> 1
                packed = d.take((run + 1) // 2)
                for k in range(run):
                    length = packed[k // 2] >> (k % 2 * 4) & 0xF
                    instructions.append((at, to, length))
                    at, to = at + length, to + length
            else:
                length = h >> 1
                at, to = at + d.sleb(), to + d.sleb()
                instructions.append((at, to, length))
                at, to = at + length, to + length
        fragments.append((name, cold, input_start, input_start + input_size, output_start, instructions))
    return fragments


def spread(items, n):
    """n items evenly spaced over items (all when n is 0 or items are fewer)."""
    if n <= 0 or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("instructions", "functions", "summary", "code-start"):
        sys.exit(__doc__)
    if sys.argv[1] == "code-start":
        print(f"0x{code_start(sys.argv[2]):x}")
        return
    note = read_section(sys.argv[2], SECTION)
    if note is None:
        print(f"addrmap.py: {sys.argv[2]} has no {SECTION} section", file=sys.stderr)
        sys.exit(1)
    fragments = decode(note)
    what = sys.argv[1]
    if what == "summary":
        instructions = sum(len(f[5]) for f in fragments)
        cold = sum(1 for f in fragments if f[1])
        print(f"{len(fragments)} fragments ({cold} cold), {instructions} instructions")
    elif what == "instructions":
        n = int(sys.argv[3])
        moved = sorted({(i, o) for f in fragments for i, o, length in f[5] if length > 0 and i != o})
        chosen = set(spread(moved, n))
        cold_starts = sorted((f[5][0][0], f[5][0][1]) for f in fragments if f[1] and f[5] and f[5][0][2] > 0)
        chosen.update(spread(cold_starts, max(1, n // 4)) if n else cold_starts)
        for i, o in sorted(chosen):
            print(f"0x{i:x} 0x{o:x}")
    else:
        k = int(sys.argv[3])
        cold_inputs = {f[2] for f in fragments if f[1]}
        # A cold fragment's input range starts inside its function; find the hot fragment holding it.
        hot = sorted((f for f in fragments if not f[1] and f[5] and f[5][0][0] == f[2] and f[5][0][2] > 0),
                     key=lambda f: f[2])
        starts = [f[2] for f in hot]
        split = set()
        import bisect
        for c in cold_inputs:
            j = bisect.bisect_right(starts, c) - 1
            if j >= 0 and c < hot[j][3]:
                split.add(hot[j][2])
        with_cold = [f for f in hot if f[2] in split]
        without = [f for f in hot if f[2] not in split]
        chosen = spread(with_cold, k)
        chosen += spread(without, k - len(chosen)) if len(chosen) < k else []
        for f in sorted(chosen, key=lambda f: f[2]):
            print(f"{f[0]} 0x{f[5][0][0]:x} 0x{f[5][0][1]:x} {1 if f[2] in split else 0}")


if __name__ == "__main__":
    main()
