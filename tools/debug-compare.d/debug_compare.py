#!/usr/bin/env python3
"""Run the same gdb (and lldb) batch session on an original and a rewritten program and compare.

For every function with debug information (or those named with --function), a one-shot
breakpoint; at each stop the backtrace, the arguments and the locals. Addresses, the binary's
path and process ids are masked, so the transcripts must be equal line for line.

    debug_compare.py ORIGINAL REWRITTEN [--debugger gdb|lldb|both] [--function F ...]
                     [--max-functions N] [--keep DIR] [-- PROGRAM ARGS...]

Exit status 0 when the transcripts are equal (and the original's shows at least one stop),
1 when they differ (a unified diff is printed), 2 on a usage or tool error.
"""
import argparse
import contextlib
import difflib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HARNESS_VERSION = 8  # part of the cache key of the original's sessions: bump when the masking changes
HEX = re.compile(r"0x[0-9a-fA-F]+")
PID = re.compile(r"(process|pid =?) ?[0-9]+", re.I)
# Which inlined copy of a function a breakpoint location is numbered by depends on addresses.
LOCATION = re.compile(r"(breakpoint [0-9]+)\.[0-9]+", re.I)
# lldb names code as function + byte offset, which a new block order or dropped padding changes.
OFFSET = re.compile(r"(`[^ ]+) \+ [0-9]+")
THREAD = re.compile(r"\[(New )?Thread 0x[0-9a-f]+ \(LWP [0-9]+\)[^\]]*\]")
LWP = re.compile(r"LWP [0-9]+")
# Which of several threads reaches a breakpoint first is up to the scheduler.
THREAD_NUMBER = re.compile(r"^Thread [0-9]+ ", re.M)


def tool(*names):
    for name in names:
        found = shutil.which(name) or (os.path.exists(f"/usr/lib/llvm-22/bin/{name}") and f"/usr/lib/llvm-22/bin/{name}")
        if found:
            return found
    return None


def functions_with_debug_info(gdb, program):
    """Names of the functions gdb knows from the DWARF, in gdb's (sorted) order."""
    out = subprocess.run([gdb, "-nx", "-batch", "-ex", "set width 0", "-ex", "info functions", program],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120).stdout
    names = []
    in_debug = False
    for line in out.splitlines():
        if line.startswith("File "):
            in_debug = True
            continue
        if line.startswith("Non-debugging symbols"):
            in_debug = False
            continue
        if not in_debug:
            continue
        m = re.search(r"(?:^|[\s*&])([A-Za-z_][\w:~<>]*)\(", line)
        # Template and lambda names do not survive gdb's linespec parser as written: left out.
        if m and "<" not in m.group(1) and ">" not in m.group(1) and m.group(1) not in names:
            names.append(m.group(1))
    return names


def mask(text, program):
    text = text.replace(program, "BINARY")
    text = THREAD.sub("[Thread]", text)
    text = LWP.sub("LWP N", text)
    text = THREAD_NUMBER.sub("Thread N ", text)
    text = PID.sub(r"\1 N", text)
    text = LOCATION.sub(r"\1.N", text)
    text = OFFSET.sub(r"\1 + N", text)
    return HEX.sub("0xADDR", text)


FIXED_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}


def gdb_session(gdb, program, functions, args):
    script = ["set pagination off", "set confirm off", "set width 0", "set style enabled off",
              "set print thread-events off", "set breakpoint pending off"]
    for name in functions:
        script += [f"tbreak {name}", "commands", "bt", "info args", "info locals", "continue", "end"]
    script += ["run " + " ".join(args)]
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write("\n".join(script) + "\n")
        path = f.name
    try:
        # A fixed environment: the program's stack (and so what an uninitialised local shows)
        # must not depend on who runs the comparison.
        result = subprocess.run([gdb, "-nx", "-batch", "-x", path, program], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=300, env=FIXED_ENVIRONMENT)
    finally:
        os.unlink(path)
    # Breakpoint numbers and addresses are masked; "Temporary breakpoint N at ...: file F, line L." stays.
    return mask(result.stdout + result.stderr, program)


def lldb_session(lldb, program, functions, args):
    """The lldb session, driven through lldb's Python API (lldb_session.py beside this file)."""
    here = os.path.dirname(os.path.abspath(__file__))
    python_path = subprocess.run([lldb, "-P"], capture_output=True, text=True).stdout.strip()
    with tempfile.NamedTemporaryFile("w", suffix=".functions", delete=False) as f:
        f.write("\n".join(functions) + "\n")
        names = f.name
    try:
        # The Python module finds lldb-server through PATH (the lldb binary finds it beside itself).
        env = dict(os.environ, PYTHONPATH=python_path, LLDB_DEBUGSERVER_PATH=shutil.which("lldb-server-22") or "/usr/lib/llvm-22/bin/lldb-server",
                   PATH="/usr/lib/llvm-22/bin" + os.pathsep + os.environ.get("PATH", ""))
        result = subprocess.run([sys.executable, os.path.join(here, "lldb_session.py"), program, names, *args],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, env=env)
    finally:
        os.unlink(names)
    return mask(result.stdout + result.stderr, program)


@contextlib.contextmanager
def program_place(original):
    """A directory of its own for the programs compared against ORIGINAL: the same path on every
    run (a temporary one would put another path on the stack), held under a lock."""
    key = hashlib.sha256(os.path.abspath(original).encode()).hexdigest()[:12]
    place = os.path.join(tempfile.gettempdir(), f"debug-compare-{os.getuid()}-{key}")
    with open(place + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.makedirs(place, exist_ok=True)
        try:
            yield place
        finally:
            shutil.rmtree(place, ignore_errors=True)


def original_sessions(debugger, options, copy, run):
    """Two sessions of the original, kept beside it (ORIGINAL.debug-sessions/) for the next
    comparison against the same original, functions and arguments."""
    key = hashlib.sha256(repr((HARNESS_VERSION, debugger, os.path.getsize(options.original), os.path.getmtime(options.original),
                               options.function, options.max_functions, options.program_args)).encode()).hexdigest()[:16]
    cache = os.path.abspath(options.original) + ".debug-sessions"
    paths = [os.path.join(cache, f"{debugger}.{key}.{n}.txt") for n in (1, 2)]
    if all(os.path.exists(p) for p in paths):
        return tuple(open(p).read() for p in paths)
    sessions = (run(copy), run(copy))
    try:
        os.makedirs(cache, exist_ok=True)
        for p, text in zip(paths, sessions):
            with open(p, "w") as f:
                f.write(text)
    except OSError:
        pass  # a read-only place: no cache, same answer
    return sessions


def drop_unstable(before, again, after):
    first, second, rewritten = before.splitlines(), again.splitlines(), after.splitlines()
    if len(first) != len(second):
        return before, after
    unstable = {i for i, (a, b) in enumerate(zip(first, second)) if a != b}
    if not unstable:
        return before, after
    keep = lambda lines: "\n".join("<unstable>" if i in unstable else l for i, l in enumerate(lines))
    return keep(first), keep(rewritten) if len(rewritten) == len(first) else after


def accept_values_for_optimized_out(before, after):
    """The rewritten transcript with each line that equals the original's once the original's
    <optimized out> values are allowed to be anything (and entry values, NAME@entry=, are allowed
    where the original has none) taken as the original's line; and how many."""
    old, new = before.splitlines(True), after.splitlines(True)
    if len(old) != len(new):
        return after, 0
    relaxed = 0
    for i, (a, b) in enumerate(zip(old, new)):
        if a == b:
            continue
        # A value found through its entry value (the caller's call-site parameter, which gdb then
        # reads right) prints as NAME=NAME@entry=VALUE.
        plain = re.sub(r"\b([\w$]+)=\1@entry=", r"\1=", b)
        # A frame argument the original cannot read whole prints as "..." (not <optimized out>).
        parts = re.split(r"<optimized out>|(?<==)\.\.\.(?=[,)])", a)
        pattern = ".+?".join(re.escape(part) for part in parts)
        if re.fullmatch(pattern, plain, re.S):
            new[i] = a
            relaxed += 1
    return "".join(new), relaxed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("original")
    parser.add_argument("rewritten", nargs="?")
    parser.add_argument("--list-functions", action="store_true",
                        help="print the functions a session of ORIGINAL would stop in, one a line, and exit "
                             "(for --functions-from, when gdb cannot read a program's split DWARF)")
    parser.add_argument("--functions-from", metavar="FILE", help="the functions to stop in, one a line")
    parser.add_argument("--debugger", choices=["gdb", "lldb", "both"], default="both")
    parser.add_argument("--function", action="append", default=[])
    parser.add_argument("--max-functions", type=int, default=60)
    parser.add_argument("--keep", help="write the transcripts into this directory")
    parser.add_argument("--uninitialised", action="append", default=[], metavar="NAME",
                        help="a local that is read before it is set (its value is whatever the stack held, code bytes included): its value is not compared")
    parser.add_argument("--gdb-misreads-original-loclists", action="store_true",
                        help="gdb 13 misreads the location lists of the original's split units (clang's DWARF 5 .dwo "
                             "lists of DW_LLE_base_addressx + DW_LLE_offset_pair) and prints <optimized out>: in gdb's "
                             "transcript, a rewritten line may show a value where the original's line has <optimized out> "
                             "(all else equal); lldb's transcript is still compared strictly")
    parser.add_argument("program_args", nargs="*")
    argv = sys.argv[1:]
    program_args = []
    if "--" in argv:
        at = argv.index("--")
        argv, program_args = argv[:at], argv[at + 1:]
    options = parser.parse_args(argv)
    options.program_args += program_args

    gdb, lldb = tool("gdb"), tool("lldb-22", "lldb")
    if gdb is None:
        print("debug_compare: gdb not found", file=sys.stderr)
        return 2
    if options.functions_from:
        with open(options.functions_from) as f:
            options.function += [line.strip() for line in f if line.strip()]
    functions = options.function or functions_with_debug_info(gdb, options.original)[: options.max_functions]
    if options.list_functions:
        print("\n".join(functions))
        return 0
    if options.rewritten is None:
        parser.error("REWRITTEN is needed unless --list-functions")
    if not functions:
        print("debug_compare: the original has no functions with debug information", file=sys.stderr)
        return 2
    debuggers = ["gdb", "lldb"] if options.debugger == "both" else [options.debugger]
    status = 0
    for debugger in debuggers:
        if debugger == "lldb" and lldb is None:
            print("debug_compare: lldb-22 not found", file=sys.stderr)
            return 2
        run = (lambda p: gdb_session(gdb, p, functions, options.program_args)) if debugger == "gdb" \
            else (lambda p: lldb_session(lldb, p, functions, options.program_args))
        # Both run as the same "<dir>/prog", in turn: the same argv[0] and environment, so even
        # uninitialised stack contents (which hold pieces of that path) print the same. The
        # directory is named after the original, so the cached sessions of the original ran there too.
        with program_place(options.original) as place:
            copy = os.path.join(place, "prog")
            def install(path):
                shutil.copy2(path, copy)
                for suffix in (".dwp",):
                    if os.path.exists(copy + suffix):
                        os.unlink(copy + suffix)
                    if os.path.exists(path + suffix):
                        shutil.copy2(path + suffix, copy + suffix)
            install(options.original)
            before, again = original_sessions(debugger, options, copy, run)
            install(options.rewritten)
            after = run(copy)
        # Uninitialised locals first, so a line the original's two runs disagree on is masked the
        # same way in all three.
        for name in options.uninitialised:
            pattern = re.compile(rf"^({re.escape(name)} = ).*$", re.M)
            before, again, after = (pattern.sub(r"\1<uninitialised>", text) for text in (before, again, after))
        if options.uninitialised:
            # A pretty-printer reading garbage may fail, and gdb prints that failure where it likes.
            failure = re.compile(r"^Python Exception <class '\w+'>: .*\n", re.M)
            before, again, after = (failure.sub("", text) for text in (before, again, after))
        # A line that differs between two sessions of the original (an uninitialised local holding
        # the stack canary, say) says nothing about the debug information: it is left out.
        before, after = drop_unstable(before, again, after)
        if debugger == "gdb" and options.gdb_misreads_original_loclists:
            after, relaxed = accept_values_for_optimized_out(before, after)
            if relaxed:
                print(f"debug_compare: gdb: {relaxed} lines show a value where gdb reads the original as <optimized out>")
        if options.keep:
            os.makedirs(options.keep, exist_ok=True)
            for name, text in (("original", before), ("rewritten", after)):
                with open(os.path.join(options.keep, f"{debugger}.{name}.txt"), "w") as f:
                    f.write(text)
        stops = before.count("#0 ") if debugger == "gdb" else before.count("\nstop ")
        if stops == 0:
            print(f"debug_compare: {debugger}: the original's session stopped nowhere", file=sys.stderr)
            print(before[-2000:], file=sys.stderr)
            return 2
        if before != after:
            status = 1
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                       f"{debugger}: original", f"{debugger}: rewritten"))
        else:
            print(f"debug_compare: {debugger}: {len(functions)} breakpoints, {stops} stops, transcripts equal")
    return status


if __name__ == "__main__":
    sys.exit(main())
