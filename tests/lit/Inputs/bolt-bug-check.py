#!/usr/bin/env python3
"""bolt-bug-check.py CHECK INPUT OUTPUT: one property of a debug update that llvm-bolt gets wrong
(shared/REFERENCE.md §4), checked on llvm-dwarfdump-22 / llvm-objdump-22 / llvm-nm-22 output only,
never through the rewriter's own reader or address map. Exit 0 when OUTPUT keeps the property of
INPUT, 1 (with the findings on stdout) when it does not.

DIEs of INPUT and OUTPUT are paired by their position in the DIE tree (a debug update keeps every
DIE, in order); a code address is followed into the program through the function symbol holding it
(a split function's fragments are NAME.cold.N / NAME.cold) and through the line table (the row in
effect at an address gives its file, line and column).
"""
import argparse
import bisect
import os
import re
import subprocess
import sys

from dwarfbytes import uleb as read_uleb  # raises IndexError past the end

LLVM = "/usr/lib/llvm-22/bin"


def tool(name):
    return os.path.join(LLVM, name) if os.path.exists(os.path.join(LLVM, name)) else name + "-22"


def run(*args):
    result = subprocess.run(args, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        fail_now(f"{os.path.basename(args[0])} cannot read {args[-1]}: {(result.stderr.strip().splitlines() or ['?'])[0]}")
    return result.stdout


# ---- .debug_info as llvm-dwarfdump -v prints it -------------------------------------------------

class Die:
    def __init__(self, offset, tag, unit, parent, abbreviation):
        self.offset, self.tag, self.unit, self.parent, self.abbreviation = offset, tag, unit, parent, abbreviation
        self.attrs = {}  # name -> (form, text); llvm-dwarfdump shows an indirect form resolved

    def __repr__(self):
        name = self.text("DW_AT_name") or self.text("DW_AT_abstract_origin") or ""
        return f"{self.tag} 0x{self.offset:x} {name}".strip()

    def form(self, attr):
        return self.attrs[attr][0] if attr in self.attrs else None

    def text(self, attr):
        return self.attrs[attr][1] if attr in self.attrs else None


class Unit:
    def __init__(self, offset, version, abbreviations):
        self.offset, self.version, self.abbreviations = offset, version, abbreviations
        self.dies = []


UNIT_RE = re.compile(r"^(0x[0-9a-f]+): (?:Compile|Type|Skeleton|Partial) Unit: .*version = (0x[0-9a-f]+).*abbr_offset = (0x[0-9a-f]+)")
DIE_RE = re.compile(r"^(0x[0-9a-f]+):(\s+)(DW_TAG_\w+|NULL)(?: \[(\d+)\])?")
ATTR_RE = re.compile(r"^\s+(DW_AT_\w+) \[(DW_FORM_\w+)\]\s*(.*)$")


def read_info(binary):
    units, dies = [], []
    stack = []
    attr = None
    for line in run(tool("llvm-dwarfdump"), "-v", "--debug-info", binary).splitlines():
        if m := UNIT_RE.match(line):
            units.append(Unit(int(m[1], 16), int(m[2], 16), int(m[3], 16)))
            stack, attr = [], None
            continue
        if m := DIE_RE.match(line):
            attr = None
            depth = len(m[2])
            while stack and stack[-1][0] >= depth:
                stack.pop()
            if m[3] == "NULL":
                continue
            die = Die(int(m[1], 16), m[3], units[-1], stack[-1][1] if stack else None, int(m[4] or 0))
            units[-1].dies.append(die)
            dies.append(die)
            stack.append((depth, die))
            continue
        if m := ATTR_RE.match(line):
            attr = m[1]
            dies[-1].attrs[attr] = (m[2], m[3])
        elif attr and line.strip():
            form, text = dies[-1].attrs[attr]
            dies[-1].attrs[attr] = (form, text + "\n" + line.strip())
    return units, dies


def pair_dies(input_dies, output_dies):
    """DIEs of input and output in tree order; the shapes must agree."""
    if [d.tag for d in input_dies] != [d.tag for d in output_dies]:
        fail_now(f"the DIE trees differ ({len(input_dies)} DIEs in the input, {len(output_dies)} in the output)")
    return list(zip(input_dies, output_dies))


HEX = r"0x[0-9a-f]+"


def address_value(die, attr):
    """A DW_AT_low_pc/entry_pc/call_return_pc value (addr or addrx) as an integer."""
    text = die.text(attr)
    if text is None:
        return None
    m = re.search(r"address = (" + HEX + ")", text) or re.match(r"\((" + HEX + ")", text)
    return int(m[1], 16) if m else None


def constant(die, attr):
    m = re.match(r"\((" + HEX + ")", die.text(attr) or "")
    return int(m[1], 16) if m else None


RANGE_RE = re.compile(r"\[(" + HEX + r"), (" + HEX + r")\)")


def scope_ranges(die):
    """[(low, high)] of a DIE with low_pc/high_pc or DW_AT_ranges, as llvm-dwarfdump resolved them."""
    if die.text("DW_AT_ranges") is not None:
        return [(int(a, 16), int(b, 16)) for a, b in RANGE_RE.findall(die.text("DW_AT_ranges"))]
    low = address_value(die, "DW_AT_low_pc")
    if low is None or die.text("DW_AT_high_pc") is None:
        return []
    high = address_value(die, "DW_AT_high_pc") if die.form("DW_AT_high_pc") == "DW_FORM_addr" else constant(die, "DW_AT_high_pc")
    # Of class address the end itself; of class constant the length.
    return [(low, high)] if die.form("DW_AT_high_pc") == "DW_FORM_addr" else [(low, low + high)]


def inside(address, ranges):
    return any(low <= address < high for low, high in ranges)


# ---- symbols, code, line table -------------------------------------------------------------------

class Symbols:
    """Function symbols; a fragment NAME.cold.N counts as function NAME."""

    def __init__(self, binary):
        spans = []
        for line in run(tool("llvm-nm"), "--defined-only", "-S", "-n", binary).splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[2] in "tTwW":
                start, size = int(parts[0], 16), int(parts[1], 16)
                if size:
                    spans.append((start, start + size, re.sub(r"\.cold(\.\d+)?$", "", parts[3])))
        self.spans = sorted(spans)
        self.starts = [s[0] for s in self.spans]
        self.entries = {}
        for start, _, name in self.spans:
            self.entries.setdefault(name, start)

    def function_at(self, address):
        i = bisect.bisect_right(self.starts, address) - 1
        if i >= 0 and self.spans[i][0] <= address < self.spans[i][1]:
            return self.spans[i][2]
        return None

    def fragments(self, name):
        return [(s, e) for s, e, n in self.spans if n == name]


class LineTable:
    """Rows of every sequence: address -> (file path, line, column), the row in effect."""

    def __init__(self, binary):
        self.sequences = []  # sorted [(address, key)] per sequence, end row last
        self.duplicate_names = set()  # file names (without directories) a file table holds more than once
        files = {}
        dirs = {}
        rows = []
        text = run(tool("llvm-dwarfdump"), "--debug-line", binary)
        current = None
        for line in text.splitlines():
            if line.startswith("debug_line[") or line.startswith("Address "):
                names = [os.path.basename(name) for name, _ in files.values()]
                self.duplicate_names |= {name for name in names if names.count(name) > 1}
            if line.startswith("debug_line["):
                files, dirs = {}, {}
                continue
            if m := re.match(r'include_directories\[\s*(\d+)\] = "(.*)"', line):
                dirs[int(m[1])] = m[2]
            elif m := re.match(r"file_names\[\s*(\d+)\]:", line):
                current = int(m[1])
                files[current] = ["", 0]
            elif current is not None and (m := re.match(r'\s+name: "(.*)"', line)):
                files[current][0] = m[1]
            elif current is not None and (m := re.match(r"\s+dir_index: (\d+)", line)):
                files[current][1] = int(m[1])
            elif m := re.match(r"(0x[0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*(.*)", line):
                file = files.get(int(m[4]))
                path = os.path.join(dirs.get(file[1], ""), file[0]) if file else f"<bad file index {m[4]}>"
                rows.append((int(m[1], 16), (path, int(m[2]), int(m[3]))))
                if "end_sequence" in m[5]:
                    self.sequences.append(rows)
                    rows = []
        self.sequences.sort()

    def row_at(self, address):
        """The row in effect at address (the last one at or before it), or None."""
        for rows in self.sequences:
            if rows[0][0] <= address < rows[-1][0]:
                i = bisect.bisect_right([r[0] for r in rows], address) - 1
                return rows[i][1]
        return None

    def rows_in(self, low, high):
        return [key for rows in self.sequences for address, key in rows[:-1] if low <= address < high]

    def rows_exactly_at(self, address):
        return [key for rows in self.sequences for a, key in rows[:-1] if a == address]


def calls(binary):
    """address right after each call instruction -> (call address, callee symbol or None)."""
    result = {}
    previous = None
    for line in run(tool("llvm-objdump"), "-d", "--no-show-raw-insn", binary).splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if not m:
            continue
        address = int(m[1], 16)
        if previous:
            result[address] = previous
        previous = None
        if m[2].startswith("call"):
            callee = re.search(r"<([^>+]+)>", m[3])
            previous = (address, re.sub(r"\.cold(\.\d+)?$", "", callee[1]) if callee else m[3])
    return result


# ---- reporting ---------------------------------------------------------------------------------------

findings = []


def finding(message):
    findings.append(message)


def fail_now(message):
    print("bolt-bug-check: FAIL: " + message)
    sys.exit(1)


def require(count, what):
    """A check that saw nothing proves nothing: the input must have the construct."""
    if count == 0:
        fail_now(f"the input has no {what}; the test does not test anything")


def finish(check, count, what):
    for f in findings[:20]:
        print("bolt-bug-check: FAIL: " + f)
    if findings:
        print(f"bolt-bug-check: {check}: {len(findings)} finding(s) among {count} {what}")
        sys.exit(1)
    print(f"bolt-bug-check: {check}: OK ({count} {what})")


class Program:
    def __init__(self, binary):
        self.binary = binary
        self.units, self.dies = read_info(binary)
        self.symbols = Symbols(binary)
        self.lines = LineTable(binary)


def same_code_place(input_program, input_address, output_program, output_address):
    """Why output_address is not where input_address went, or None: the same function holds it and
    the same line row is in effect there."""
    if input_address is None:
        fail_now("an address of the input that llvm-dwarfdump cannot resolve")
    if output_address is None:
        return f"0x{input_address:x} became an address llvm-dwarfdump cannot resolve"
    function = input_program.symbols.function_at(input_address)
    moved_to = output_program.symbols.function_at(output_address)
    if function != moved_to:
        return f"0x{input_address:x} is in {function}, 0x{output_address:x} in {moved_to}"
    want, got = input_program.lines.row_at(input_address), output_program.lines.row_at(output_address)
    if want != got:
        return f"the line row at 0x{input_address:x} is {want}, at 0x{output_address:x} {got}"
    return None


def address_tables(binary):
    """.debug_addr contributions by the offset of their first entry (what DW_AT_addr_base names)."""
    tables, offset, entries = {}, 0, None
    for line in run(tool("llvm-dwarfdump"), "--debug-addr", binary).splitlines():
        if m := re.match(r"Address table header: length = (" + HEX + r"), format = DWARF(32|64)", line):
            header = 4 if m[2] == "32" else 12
            entries = tables.setdefault(offset + header + 4, [])
            offset += header + int(m[1], 16)
        elif entries is not None and (m := re.match(r"(" + HEX + r")$", line.strip())):
            entries.append(int(m[1], 16))
    return tables


def entry_pc(die):
    """DW_AT_entry_pc: an address, or (DWARF 5, class constant) an offset from the scope's start."""
    value = address_value(die, "DW_AT_entry_pc")
    if die.form("DW_AT_entry_pc").startswith(("DW_FORM_data", "DW_FORM_udata", "DW_FORM_implicit")):
        return scope_ranges(die)[0][0] + value
    return value


# ---- the checks ------------------------------------------------------------------------------------

def code_moved(i, o, address):
    """Did the function holding this input address move (so a stale address is told from a right one)?"""
    function = i.symbols.function_at(address)
    return function is not None and i.symbols.entries[function] != o.symbols.entries.get(function)


def check_entry_pc(i, o):
    pairs = [(a, b) for a, b in pair_dies(i.dies, o.dies) if "DW_AT_entry_pc" in a.attrs]
    require(len(pairs), "DW_AT_entry_pc")
    require(sum(code_moved(i, o, entry_pc(a)) for a, _ in pairs), "DW_AT_entry_pc whose code moved")
    for a, b in pairs:
        if "DW_AT_entry_pc" not in b.attrs:
            finding(f"{b}: DW_AT_entry_pc is gone")
            continue
        want, got = entry_pc(a), entry_pc(b)
        if inside(want, scope_ranges(a)) and not inside(got, scope_ranges(b)):
            finding(f"{b}: DW_AT_entry_pc 0x{got:x} lies outside the scope's ranges {scope_ranges(b)}")
        if why := same_code_place(i, want, o, got):
            finding(f"{b}: DW_AT_entry_pc: {why}")
    finish("entry-pc", len(pairs), "DW_AT_entry_pc")


ADDR_OP_RE = re.compile(r"DW_OP_(addr|addrx|GNU_addr_index) (" + HEX + ")")


def address_operands(program, die, attr):
    """The addresses a DWARF expression (or every expression of a location list) names."""
    text = die.text(attr) or ""
    tables = None
    result = []
    for op, operand in ADDR_OP_RE.findall(text):
        if op == "addr":
            result.append(int(operand, 16))
            continue
        tables = tables or address_tables(program.binary)
        root = die.unit.dies[0]
        base = constant(root, "DW_AT_addr_base") or constant(root, "DW_AT_GNU_addr_base") or 8
        result.append(tables[base][int(operand, 16)])
    return result


def check_address_operands(i, o, check, want_lists):
    """Every DW_OP_addr operand names the same thing in the output: a function's entry (its new
    entry), an instruction (the same function and line row), or data (the same address). A list
    entry the layout split repeats its operand, so each output operand must be the image of one of
    the attribute's input operands, and each input operand must have an image."""
    count = code = 0
    for a, b in pair_dies(i.dies, o.dies):
        for attr, (form, _) in a.attrs.items():
            is_list = attr == "DW_AT_location" and form in ("DW_FORM_sec_offset", "DW_FORM_loclistx", "DW_FORM_data4", "DW_FORM_data8")
            if is_list != want_lists or (not want_lists and attr not in ("DW_AT_call_value", "DW_AT_GNU_call_site_value")):
                continue
            wanted, got = address_operands(i, a, attr), address_operands(o, b, attr)

            def why_not(want, have):
                function = i.symbols.function_at(want)
                if function is None:
                    return None if want == have else f"data address 0x{want:x} became 0x{have:x}"
                if i.symbols.entries.get(function) == want:
                    entry = o.symbols.entries.get(function)
                    return None if entry == have else f"0x{have:x} is not the entry of {function} (0x{entry or 0:x})"
                return same_code_place(i, want, o, have)

            for want in wanted:
                count += 1
                if i.symbols.function_at(want) is not None:
                    code += code_moved(i, o, want)
                if not got:
                    finding(f"{b}: {attr}: the operand 0x{want:x} is gone")
                elif not any(why_not(want, have) is None for have in got):
                    finding(f"{b}: {attr}: no operand names what 0x{want:x} named: " + "; ".join(why_not(want, have) for have in got))
            for have in got:
                if wanted and not any(why_not(want, have) is None for want in wanted):
                    finding(f"{b}: {attr}: operand 0x{have:x} names nothing an input operand named")
    require(code, "DW_OP_addr of moved code in " + ("location lists" if want_lists else "DW_AT_call_value"))
    finish(check, count, "DW_OP_addr operands")


def call_return_pcs(program):
    """(call-site DIE, return address) of every call site: DW_AT_call_return_pc, or the low_pc of a
    DW_TAG_GNU_call_site (DWARF 4)."""
    for die in program.dies:
        if "DW_AT_call_return_pc" in die.attrs:
            yield die, address_value(die, "DW_AT_call_return_pc")
        elif die.tag == "DW_TAG_GNU_call_site" and "DW_AT_low_pc" in die.attrs:
            yield die, address_value(die, "DW_AT_low_pc")


def enclosing_scope_ends(die):
    ends = set()
    while die is not None:
        if die.tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine", "DW_TAG_lexical_block"):
            ends |= {high for _, high in scope_ranges(die)}
        die = die.parent
    return ends


def check_call_return_pc(i, o):
    """Every call site's return address follows, in the output, a call (llvm-objdump) of the same
    callee at the same place (function and line row) as the input's call; the input must have a
    call whose return address is where its caller ends (a noreturn call last in a function)."""
    input_calls, output_calls = calls(i.binary), calls(o.binary)
    index = {id(a): b for a, b in pair_dies(i.dies, o.dies)}
    output_pcs = {id(die): pc for die, pc in call_return_pcs(o)}
    count = at_end = 0
    for a, want in call_return_pcs(i):
        count += 1
        at_end += want in enclosing_scope_ends(a)
        b = index[id(a)]
        got = output_pcs.get(id(b))
        if got is None:
            finding(f"{b}: the return address is gone")
            continue
        if want not in input_calls:
            fail_now(f"{a}: the input's return address 0x{want:x} follows no call")
        if got not in output_calls:
            finding(f"{b}: the return address 0x{got:x} follows no call (input 0x{want:x})")
        elif output_calls[got][1] != input_calls[want][1]:
            finding(f"{b}: the call before 0x{got:x} calls {output_calls[got][1]}, the input's {input_calls[want][1]}")
        elif why := same_code_place(i, input_calls[want][0], o, output_calls[got][0]):
            finding(f"{b}: the call: {why}")
    require(at_end, "call site whose return address is its caller's high_pc")
    finish("call-return-pc", count, f"call sites ({at_end} returning to the caller's end)")


def section_bytes(binary, name):
    """A section's contents, decompressed if it is SHF_COMPRESSED."""
    import tempfile
    with tempfile.TemporaryDirectory() as work:
        plain, dumped = os.path.join(work, "plain"), os.path.join(work, "section")
        subprocess.run([tool("llvm-objcopy"), "--decompress-debug-sections", binary, plain], check=True)
        subprocess.run([tool("llvm-objcopy"), "--dump-section", f"{name}={dumped}", plain, os.path.join(work, "ignored")], check=True)
        with open(dumped, "rb") as f:
            return f.read()


LIST_ENTRY_RE = re.compile(r"\[(" + HEX + r"), (" + HEX + r")\): ([^\n]*?)\)?$", re.M)


def list_entries(die):
    """[(low, high, expression text)] of a DIE's location list."""
    return [(int(a, 16), int(b, 16), e) for a, b, e in LIST_ENTRY_RE.findall(die.text("DW_AT_location") or "")]


def without_die_operands(expression):
    """An expression's text with the DIE offsets and addresses it names masked (they move with the
    DIEs and the code)."""
    masked = BASE_TYPE_RE.sub("<type>", IMPLICIT_POINTER_RE.sub("<pointer>", expression))
    return ADDR_OP_RE.sub("<address>", masked)


def view_pairs(data, offset, count):
    pairs = []
    for _ in range(count):
        begin, offset = read_uleb(data, offset)
        end, offset = read_uleb(data, offset)
        pairs.append((begin, end))
    return pairs, offset


def check_locviews(i, o):
    """DW_AT_GNU_locviews names one (begin view, end view) pair per entry of the DIE's location
    list, before the list and outside it; each output entry keeps the views of the input entry it
    comes from (or view 0 where the layout made a new start or end)."""
    pairs = [(a, b) for a, b in pair_dies(i.dies, o.dies) if "DW_AT_GNU_locviews" in a.attrs]
    require(len(pairs), "DW_AT_GNU_locviews")
    section = ".debug_loclists" if i.units[0].version >= 5 else ".debug_loc"
    input_data, output_data = section_bytes(i.binary, section), section_bytes(o.binary, section)
    list_offset = re.compile(r"\((" + HEX + r")")
    entries = 0
    for a, b in pairs:
        if "DW_AT_GNU_locviews" not in b.attrs:
            finding(f"{b}: DW_AT_GNU_locviews is gone")
            continue
        input_entries, output_entries = list_entries(a), list_entries(b)
        entries += len(output_entries)
        input_views, _ = view_pairs(input_data, constant(a, "DW_AT_GNU_locviews"), len(input_entries))
        try:
            output_views, views_end = view_pairs(output_data, constant(b, "DW_AT_GNU_locviews"), len(output_entries))
        except IndexError:
            finding(f"{b}: DW_AT_GNU_locviews 0x{constant(b, 'DW_AT_GNU_locviews'):x} lies past the end of {section}")
            continue
        views_start = constant(b, "DW_AT_GNU_locviews")
        m = list_offset.match(b.text("DW_AT_location"))
        if b.form("DW_AT_location") != "DW_FORM_loclistx" and m and views_start < int(m[1], 16) < views_end:
            finding(f"{b}: the views at 0x{views_start:x} run into the location list at {m[1]}")
        for (low, high, expression), views in zip(output_entries, output_views):
            sources = [v for (_, _, e), v in zip(input_entries, input_views) if without_die_operands(e) == without_die_operands(expression)]
            rows = len(o.lines.rows_exactly_at(low))
            if views[0] > 0 and rows <= views[0]:
                finding(f"{b}: [0x{low:x}, 0x{high:x}) begins at view {views[0]}, but the line table has {rows} row(s) there")
            if not any(views[0] in (v[0], 0) and views[1] in (v[1], 0) for v in sources):
                finding(f"{b}: [0x{low:x}, 0x{high:x}) {expression}: views {views}, the input's entries with that location have {sources}"
                        f" (input list {[(hex(l), hex(h), v) for (l, h, _), v in zip(input_entries, input_views)]})")
    finish("locviews", entries, "location list entries with views")


IMPLICIT_POINTER_RE = re.compile(r"DW_OP_(?:GNU_)?implicit_pointer (" + HEX + ")")
BASE_TYPE_RE = re.compile(r"DW_OP_(?:GNU_)?(?:convert|reinterpret|regval_type|deref_type|xderef_type|const_type)\b[^(\n]*?\((" + HEX + r")(?: -> " + HEX + r")?\)")


def check_die_operands(i, o, check, pattern, unit_relative, what):
    """Every DIE an expression operand names (in exprlocs and location lists) is, in the output,
    the DIE the input's operand named (a list entry the layout split repeats its operands). At
    least one such DIE must have moved, or a stale operand could not be told from a right one."""
    pairs = pair_dies(i.dies, o.dies)
    output_of = {a.offset: b.offset for a, b in pairs}
    count = moved_targets = 0
    for a, b in pairs:
        for attr in a.attrs:
            wanted = set()
            for operand in {int(x, 16) for x in pattern.findall(a.text(attr))} - ({0} if unit_relative else set()):
                target = operand + (a.unit.offset if unit_relative else 0)
                if target not in output_of:
                    fail_now(f"{a}: {attr}: the input's operand 0x{operand:x} names no DIE")
                expected = output_of[target] - (b.unit.offset if unit_relative else 0)
                wanted.add(expected)
                moved_targets += expected != operand
                count += 1
            got = {int(x, 16) for x in pattern.findall(b.text(attr) or "")} - ({0} if unit_relative else set())
            if got != wanted:
                finding(f"{b}: {attr}: operands {sorted(map(hex, got))}, the DIEs the input named are at {sorted(map(hex, wanted))}")
    require(count, what)
    require(moved_targets, what + " whose DIE moved")
    finish(check, count, what)


def check_line_files(i, o):
    """Per function, the output's rows name the same (directory/file, line, column) set as the
    input's: a file index renumbered wrongly names another file of the same name."""
    functions = sorted({name for _, _, name in i.symbols.spans})
    count = with_duplicates = 0
    for name in functions:
        wanted = {key for low, high in i.symbols.fragments(name) for key in i.lines.rows_in(low, high)}
        if not wanted:
            continue
        count += 1
        with_duplicates += any(os.path.basename(path) in i.lines.duplicate_names for path, _, _ in wanted)
        got = {key for low, high in o.symbols.fragments(name) for key in o.lines.rows_in(low, high)}
        for key in sorted(got - wanted)[:5]:
            finding(f"{name}: row {key} is only in the output")
        for key in sorted(wanted - got)[:5]:
            finding(f"{name}: row {key} is only in the input")
    require(with_duplicates, "function with rows in a file whose name its file table holds twice")
    finish("line-files", count, f"functions ({with_duplicates} with rows in duplicate-named files)")


SCOPE_TAGS = ("DW_TAG_subprogram", "DW_TAG_lexical_block", "DW_TAG_inlined_subroutine", "DW_TAG_try_block",
              "DW_TAG_catch_block", "DW_TAG_label", "DW_TAG_call_site", "DW_TAG_GNU_call_site")


def check_scopes(i, o):
    """Every output scope range is non-empty, does not start at 0 and lies inside the function
    that held the scope's code in the input (a high_pc of class constant is a length, so an
    address written there ends far past the function); a scope whose input code is all gone (or
    was empty) gets no range at all."""
    count = lengths = 0
    for a, b in pair_dies(i.dies, o.dies):
        if a.tag not in SCOPE_TAGS or a.tag in ("DW_TAG_label", "DW_TAG_call_site", "DW_TAG_GNU_call_site"):
            continue
        had = [(low, high) for low, high in scope_ranges(a) if low < high]
        has = scope_ranges(b)
        if not has and not had:
            continue
        count += 1
        lengths += b.form("DW_AT_high_pc") not in (None, "DW_FORM_addr")
        if not had:
            finding(f"{b}: the input's scope has no code, the output invents {has}")
            continue
        function = i.symbols.function_at(had[0][0])
        for low, high in has:
            if low == high and (low, high) in scope_ranges(a) and not code_moved(i, o, low):
                continue  # an empty range of unmoved code, as the input has it
            if low == 0 or low >= high:
                finding(f"{b}: range [0x{low:x}, 0x{high:x}) is empty or starts at 0")
            elif o.symbols.function_at(low) != function or o.symbols.function_at(high - 1) != function:
                finding(f"{b}: range [0x{low:x}, 0x{high:x}) is not inside {function} "
                        f"({o.symbols.function_at(low)} .. {o.symbols.function_at(high - 1)})")
    require(lengths, "output scope with a high_pc of class constant")
    finish("scopes", count, f"scopes with code ({lengths} with a high_pc length)")


def debug_frame(binary):
    """The FDEs of .debug_frame (not .eh_frame): [(low, high, [(address, CFA and register rules)])]."""
    text = run(tool("llvm-dwarfdump"), "--debug-frame", binary)
    text = text.split(".debug_frame contents:", 1)[1].split(".eh_frame contents:", 1)[0] if ".debug_frame contents:" in text else ""
    fdes = []
    for line in text.splitlines():
        if m := re.search(r"FDE cie=\S+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+)", line):
            fdes.append((int(m[1], 16), int(m[2], 16), []))
        elif fdes and (m := re.match(r"\s+0x([0-9a-f]+): (CFA=.*)", line)):
            fdes[-1][2].append((int(m[1], 16), m[2].strip()))
    return fdes


def rule_at(fdes, address):
    for low, high, rows in fdes:
        if low <= address < high:
            return ([rule for at, rule in rows if at <= address] or [None])[-1]
    return None


def covered(low, high, fdes):
    """Is [low, high) covered by the union of the FDEs' ranges?"""
    for start, end, _ in sorted(fdes):
        if start <= low < end:
            low = end
        if low >= high:
            return True
    return False


def check_debug_frame(i, o):
    """Every output fragment of a function that .debug_frame described in the input is described
    by .debug_frame in the output, and at every call (where a debugger unwinds from the callee)
    the CFA and register rules are those of the input at the same call (call sites paired through
    their DIEs, calls found with llvm-objdump)."""
    input_fdes, output_fdes = debug_frame(i.binary), debug_frame(o.binary)
    count = 0
    for name in sorted({name for _, _, name in i.symbols.spans}):
        if rule_at(input_fdes, i.symbols.entries[name]) is None:
            continue
        for low, high in o.symbols.fragments(name):
            count += 1
            if not covered(low, high, output_fdes):
                finding(f"{name}: output code [0x{low:x}, 0x{high:x}) has no .debug_frame FDE")
    require(count, "function described by .debug_frame")
    input_calls, output_calls = calls(i.binary), calls(o.binary)
    output_pcs = {id(die): pc for die, pc in call_return_pcs(o)}
    index = {id(a): b for a, b in pair_dies(i.dies, o.dies)}
    rules = 0
    for a, want in call_return_pcs(i):
        got = output_pcs.get(id(index[id(a)]))
        if want not in input_calls or got not in output_calls:
            continue
        call, moved_call = input_calls[want][0], output_calls[got][0]
        if (rule := rule_at(input_fdes, call)) is None:
            continue
        rules += 1
        if rule_at(output_fdes, moved_call) != rule:
            finding(f"the call at 0x{moved_call:x} (0x{call:x} in the input) unwinds with {rule_at(output_fdes, moved_call)}, the input's with {rule}")
    require(rules, "call inside code .debug_frame describes")
    finish("debug-frame", count, f"output fragments and {rules} calls")


def declared_forms(binary):
    """(abbreviation table offset, code) -> {attribute: form} as .debug_abbrev declares them."""
    tables, table, current = {}, 0, None
    for line in run(tool("llvm-dwarfdump"), "--debug-abbrev", binary).splitlines():
        if m := re.match(r"Abbrev table for offset: (" + HEX + ")", line):
            table = int(m[1], 16)
        elif m := re.match(r"\[(\d+)\] DW_TAG_", line):
            current = tables.setdefault((table, int(m[1])), {})
        elif current is not None and (m := re.match(r"\s+(DW_AT_\w+)\s+(DW_FORM_\w+)", line)):
            current[m[1]] = m[2]
    return tables


SPECIAL_FORMS = ("DW_FORM_addrx1", "DW_FORM_addrx2", "DW_FORM_addrx3", "DW_FORM_addrx4", "DW_FORM_data16", "DW_FORM_indirect",
                 "DW_FORM_implicit_const")
ADDRESS_ATTRS = ("DW_AT_low_pc", "DW_AT_entry_pc", "DW_AT_call_return_pc", "DW_AT_call_pc")


def check_forms(i, o):
    """Every attribute the input writes with DW_FORM_addrx1-4, data16, indirect or implicit_const
    is in the output with a right value: an address where the input's code went, a high_pc ending
    the scope inside the same function, anything else unchanged. A unit's low_pc may become the
    base address of DW_AT_ranges, whose ranges must then lie in the functions the unit held (or in
    the padding between them, which stays where it was)."""
    forms = declared_forms(i.binary)
    seen = set()
    count = 0
    for a, b in pair_dies(i.dies, o.dies):
        for attr, (form, text) in a.attrs.items():
            form = forms[(a.unit.abbreviations, a.abbreviation)].get(attr, form)
            if form not in SPECIAL_FORMS:
                continue
            seen.add(form)
            count += 1
            if attr not in b.attrs:
                finding(f"{b}: {attr} ({form} in the input) is gone")
            elif attr == "DW_AT_low_pc" and "DW_AT_ranges" in b.attrs:
                held = {i.symbols.function_at(low) for low, high in scope_ranges(a) for low in range(low, high)} - {None}
                for low, high in scope_ranges(b):
                    padding = o.symbols.function_at(low) is None and i.symbols.function_at(low) is None and inside(low, scope_ranges(a))
                    if o.symbols.function_at(low) not in held and not padding:
                        finding(f"{b}: [0x{low:x}, 0x{high:x}) lies in {o.symbols.function_at(low)}, not in {sorted(held)}")
            elif attr in ADDRESS_ATTRS:
                if why := same_code_place(i, address_value(a, attr), o, address_value(b, attr)):
                    finding(f"{b}: {attr}: {why}")
            elif attr == "DW_AT_high_pc":
                function = i.symbols.function_at(scope_ranges(a)[0][0])
                for low, high in scope_ranges(b):
                    if not (low < high and o.symbols.function_at(low) == function == o.symbols.function_at(high - 1)):
                        finding(f"{b}: [0x{low:x}, 0x{high:x}) is not a non-empty range inside {function}")
            elif b.text(attr) != text:
                finding(f"{b}: {attr} is {b.text(attr)}, the input's {text}")
    for form in SPECIAL_FORMS:
        require(form in seen, f"attribute of form {form}")
    finish("forms", count, "attributes of forms " + ", ".join(f[8:] for f in SPECIAL_FORMS))


def compressed_sections(binary):
    return {m[1] for m in re.finditer(r"\]\s+(\.debug_\w+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S*C\S*)\s", run(tool("llvm-readelf"), "-SW", binary))}


def check_compressed(i, o):
    """Every debug section compressed in the input (SHF_COMPRESSED) is compressed in the output,
    and llvm-dwarfdump reads every output section without an error the input does not have."""
    wanted, got = compressed_sections(i.binary), compressed_sections(o.binary)
    require(len(wanted), "compressed debug section")
    for section in sorted(wanted - got):
        finding(f"{section} is no longer compressed")

    def errors(binary):
        # Location lists are read through --debug-info: dumped on their own, gcc's view pairs
        # between the lists read as garbage entries.
        result = subprocess.run([tool("llvm-dwarfdump"), "--debug-info", "--debug-line", "--debug-rnglists", "--debug-ranges",
                                 "--debug-addr", "--debug-aranges", binary],
                                capture_output=True, text=True, errors="replace")
        return {re.sub(r"0x[0-9a-f]+|\d+", "N", line) for line in (result.stdout + result.stderr).splitlines() if "error:" in line}

    for error in sorted(errors(o.binary) - errors(i.binary))[:10]:
        finding(f"llvm-dwarfdump: {error}")
    finish("compressed", len(wanted), "compressed debug sections")


CHECKS = {
    "compressed": check_compressed,
    "entry-pc": check_entry_pc,
    "call-value-addr": lambda i, o: check_address_operands(i, o, "call-value-addr", want_lists=False),
    "loclist-addr": lambda i, o: check_address_operands(i, o, "loclist-addr", want_lists=True),
    "call-return-pc": check_call_return_pc,
    "locviews": check_locviews,
    "implicit-pointer": lambda i, o: check_die_operands(i, o, "implicit-pointer", IMPLICIT_POINTER_RE, False,
                                                        "DW_OP_implicit_pointer operands"),
    "base-types": lambda i, o: check_die_operands(i, o, "base-types", BASE_TYPE_RE, True, "base-type operands"),
    "line-files": check_line_files,
    "scopes": check_scopes,
    "debug-frame": check_debug_frame,
    "forms": check_forms,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()
    CHECKS[args.check](Program(args.input), Program(args.output))


if __name__ == "__main__":
    main()
