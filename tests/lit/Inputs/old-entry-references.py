#!/usr/bin/env python3
"""old-entry-references.py — does code that can run in a rewritten program still name the old
entry of a function that moved?

    old-entry-references.py ORIGINAL REWRITTEN

A function moved when REWRITTEN's symbol table no longer has its symbol at its address
(the rewriter points moved functions' symbols at their new places). Its old entry then holds only a jump to the new place, so a
call through it still works, but an address taken there differs from the one taken elsewhere and
`p == f` fails. Every instruction of REWRITTEN's executable sections is disassembled
(llvm-objdump), except the old bodies of moved functions (dead behind their entry jump), and each
branch target, RIP-relative address and (in a fixed-address executable) immediate is checked
against the old entries. A 2-byte jump cannot be re-aimed in place: it is counted as a detour
through the old entry (it still reaches the moved code), not as a finding. Prints each finding and a summary; exit 1 on any finding.
"""
import re
import subprocess
import sys

OBJDUMP = "llvm-objdump-22"
NM = "llvm-nm-22"

def functions(path):
    """[(name, address, size)] for the defined text symbols."""
    out = subprocess.run([NM, "--defined-only", "-S", "--format=posix", path],
                         check=True, capture_output=True, text=True).stdout
    result = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("t", "T", "W", "w"):
            result.append((parts[0], int(parts[2], 16), int(parts[3], 16) if len(parts) > 3 else 0))
    return result

def is_fixed_address(path):
    with open(path, "rb") as f:
        header = f.read(18)
    return int.from_bytes(header[16:18], "little") == 2  # ET_EXEC

def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    original, rewritten = sys.argv[1], sys.argv[2]
    before, after = functions(original), {(n, a) for n, a, _ in functions(rewritten)}
    # A symbol without a size (crt code) reaches to the next symbol.
    addresses = sorted({a for _, a, _ in before})
    old_entries = {}  # old entry -> name
    dead = []  # [start, end) of the old bodies of moved functions
    import bisect
    for name, address, size in before:
        if (name, address) in after:
            continue  # the symbol still names this place: the function stayed
        if size == 0:
            i = bisect.bisect_right(addresses, address)
            size = addresses[i] - address if i < len(addresses) else 1
        old_entries[address] = name
        dead.append((address, address + size))
    dead.sort()
    starts = [d[0] for d in dead]
    fixed = is_fixed_address(rewritten)

    def in_dead(address):
        i = bisect.bisect_right(starts, address) - 1
        return i >= 0 and address < dead[i][1]

    listing = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", rewritten],
                             check=True, capture_output=True, text=True).stdout
    instruction = re.compile(r"^\s*([0-9a-f]+):\s+(\S.*)$")
    target = re.compile(r"(?:0x)?([0-9a-f]+) <")
    rip = re.compile(r"# 0x([0-9a-f]+)")
    immediate = re.compile(r"\$0x([0-9a-f]+)")
    checked = findings = detours = 0
    lines = [(int(m.group(1), 16), m.group(2)) for m in map(instruction.match, listing.splitlines()) if m]
    for k, (address, text) in enumerate(lines):
        if in_dead(address):
            continue
        checked += 1
        named = {int(v, 16) for v in target.findall(text) + rip.findall(text)}
        if fixed:
            named |= {int(v, 16) for v in immediate.findall(text)}
        # A 2-byte jump (rel8) cannot reach the new place from where it is; it still works through
        # the old entry's jump (a detour, not a wrong address), so it is counted, not failed.
        short = text.startswith("j") and k + 1 < len(lines) and lines[k + 1][0] - address == 2
        for value in named:
            if value in old_entries and short:
                detours += 1
            elif value in old_entries:
                findings += 1
                print(f"old-entry-references: FAIL: 0x{address:x}: `{text.strip()}` names the old entry of {old_entries[value]} (0x{value:x})")
    print(f"old-entry-references: {len(old_entries)} moved functions, {checked} instructions checked, {findings} name an old entry"
          f" ({detours} short jumps detour through one)")
    sys.exit(1 if findings else 0)

if __name__ == "__main__":
    main()
