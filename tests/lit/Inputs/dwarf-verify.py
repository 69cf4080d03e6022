#!/usr/bin/env python3
"""dwarf-verify.py — `llvm-dwarfdump --verify`, minus a known hang.

    dwarf-verify.py DWARFDUMP FILE [TIMEOUT-SECONDS]

Exit status:
    0    the verifier reports no errors
    1    the verifier reports errors (its output is printed)
    2    FILE cannot be verified with this llvm-dwarfdump: it contains a
         DW_TAG_call_site / DW_TAG_GNU_call_site whose parent is neither a
         subprogram nor an inlined subroutine (gcc -O2 emits these inside
         DW_TAG_lexical_block).  The verifier of LLVM <= 22 loops forever on
         them (DWARFVerifier::verifyDebugInfoCallSite walks Die.getParent()
         instead of Curr.getParent(); fixed by llvm/llvm-project#186413), so
         running it would only burn the timeout.
    124  the verifier timed out (default 300 s)
"""
import re
import subprocess
import sys

DIE = re.compile(r"^0x[0-9a-f]+:(\s+)(DW_TAG_\w+|NULL)")
CALL_SITES = ("DW_TAG_call_site", "DW_TAG_GNU_call_site")
SAFE_PARENTS = ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine")


def hanging_call_site(dwarfdump, path):
    """The first call site the LLVM 22 verifier would hang on, or None."""
    dump = subprocess.run([dwarfdump, "--debug-info", path], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, errors="replace")
    stack = []  # (indentation, tag) of the open ancestors
    for line in dump.stdout.splitlines():
        m = DIE.match(line)
        if not m:
            continue
        indent, tag = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if tag == "NULL":
            continue
        if tag in CALL_SITES and stack and stack[-1][1] not in SAFE_PARENTS:
            return "%s inside %s (%s)" % (tag, stack[-1][1], line.split(":")[0])
        stack.append((indent, tag))
    return None


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: dwarf-verify.py DWARFDUMP FILE [TIMEOUT-SECONDS]")
    dwarfdump, path = sys.argv[1], sys.argv[2]
    timeout = int(sys.argv[3]) if len(sys.argv) == 4 else 300
    hang = hanging_call_site(dwarfdump, path)
    if hang:
        print("dwarf-verify: cannot verify %s: %s would hang llvm-dwarfdump --verify "
              "(llvm/llvm-project#186413)" % (path, hang))
        return 2
    try:
        result = subprocess.run([dwarfdump, "--verify", path], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        print("dwarf-verify: %s --verify %s timed out after %d s" % (dwarfdump, path, timeout))
        return 124
    if result.returncode != 0:
        print(result.stdout, end="")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
