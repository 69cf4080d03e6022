#!/usr/bin/env python3
"""analysis-sample-fdata.py — write a `no_lbr` (sample) .fdata for the profile tests.

    analysis-sample-fdata.py OBJDUMP BINARY SYMBOL[=PROFILE-NAME]:COUNT...

For each SYMBOL, disassembles it with `OBJDUMP -d --disassemble-symbols=SYMBOL BINARY` and
writes one record `1 PROFILE-NAME OFFSET COUNT` per instruction (OFFSET in hex from the
symbol's start), after the header line `no_lbr cycles:u`. PROFILE-NAME defaults to SYMBOL;
give e.g. `helper=helper/1` to spell a local function the way profiles name it.
Fails (exit 1) if a symbol has no instructions, so a test cannot pass on an empty profile.
"""
import re
import subprocess
import sys

HEADER = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s")


def offsets(objdump, binary, symbol):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", f"--disassemble-symbols={symbol}", binary],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    start = None
    result = []
    for line in out.splitlines():
        header = HEADER.match(line)
        if header:
            start = int(header.group(1), 16) if header.group(2) == symbol else None
            continue
        insn = INSN.match(line)
        if insn and start is not None:
            result.append(int(insn.group(1), 16) - start)
    return result


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    objdump, binary = argv[1], argv[2]
    print("no_lbr cycles:u")
    for spec in argv[3:]:
        what, count = spec.rsplit(":", 1)
        symbol, _, name = what.partition("=")
        found = offsets(objdump, binary, symbol)
        if not found:
            print(f"analysis-sample-fdata: no instructions for {symbol} in {binary}", file=sys.stderr)
            return 1
        for offset in found:
            print(f"1 {name or symbol} {offset:x} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
