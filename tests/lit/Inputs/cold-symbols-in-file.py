#!/usr/bin/env python3
"""cold-symbols-in-file.py PROGRAM — where the rewriter's NAME.cold.0 symbols are in .symtab.

A cold fragment's symbol of a local function must directly follow that function's symbol, inside
its STT_FILE group: symbolizers name the source file of code without debug information (crtstuff's
functions, say) from the group a local symbol is in. Prints how many cold symbols there are and how
many follow a local function; exit 1 when one of a local function is anywhere else."""
import subprocess
import sys


def symbols(path):
    out = subprocess.run(["llvm-readelf-22", "-s", "-W", path], capture_output=True, text=True, check=True).stdout
    table, rows = None, []
    for line in out.splitlines():
        if line.startswith("Symbol table"):
            table = ".symtab" if "'.symtab'" in line else "other"
            continue
        fields = line.split()
        if table == ".symtab" and len(fields) >= 8 and fields[0].endswith(":") and fields[0][:-1].isdigit():
            rows.append((int(fields[0][:-1]), fields[3], fields[4], fields[7]))
    return rows


def main():
    rows = symbols(sys.argv[1])
    group, file_of, local_at = "", {}, {}
    for number, kind, binding, name in rows:
        if kind == "FILE":
            group = name
        file_of[number] = group
        if binding == "LOCAL" and kind == "FUNC" and not name.endswith(".cold.0"):
            local_at.setdefault(name, number)
    cold = [(n, name) for n, _, _, name in rows if name.endswith(".cold.0")]
    beside, misplaced = 0, []
    for number, name in cold:
        parent = local_at.get(name[: -len(".cold.0")])
        if parent is None:
            continue
        if number == parent + 1 and file_of[number] == file_of[parent]:
            beside += 1
        else:
            misplaced.append(f"{name} (symbol {number}, group {file_of[number]!r}) is not right after {name[:-7]} (symbol {parent}, group {file_of[parent]!r})")
    print(f"cold symbols: {len(cold)}, {beside} right after their local function")
    for line in misplaced:
        print(f"misplaced: {line}")
    return 1 if misplaced else 0


if __name__ == "__main__":
    sys.exit(main())
