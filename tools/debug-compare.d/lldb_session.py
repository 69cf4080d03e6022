#!/usr/bin/env python3
"""One lldb session through lldb's Python API (no command-line noise, no breakpoint commands):
a one-shot breakpoint on each named function; at each stop, every frame of the stopped thread
(function, inlined or not, file:line:column, arguments) and the innermost frame's locals.

    PYTHONPATH=$(lldb-22 -P) lldb_session.py PROGRAM FUNCTIONS-FILE [ARGS...]
"""
import os
import sys

import lldb


def describe(value):
    text = value.GetValue()
    summary = value.GetSummary()
    if text is None and summary is None:
        children = [describe(value.GetChildAtIndex(i)) for i in range(min(value.GetNumChildren(), 8))]
        return "{" + ", ".join(children) + "}"
    return " ".join(t for t in (text, summary) if t)


def frame_line(frame):
    entry = frame.GetLineEntry()
    where = f"{entry.GetFileSpec().GetFilename()}:{entry.GetLine()}:{entry.GetColumn()}" if entry.IsValid() else "?"
    arguments = ", ".join(f"{v.GetName()}={describe(v)}" for v in frame.GetVariables(True, False, False, True))
    inlined = " [inlined]" if frame.IsInlined() else ""
    return f"{frame.GetFunctionName()}({arguments}) at {where}{inlined}"


def main():
    program, functions_file, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    functions = [line.strip() for line in open(functions_file) if line.strip()]
    debugger = lldb.SBDebugger.Create()
    debugger.SetAsync(False)
    target = debugger.CreateTarget(program)
    for name in functions:
        breakpoint = target.BreakpointCreateByName(name)
        breakpoint.SetOneShot(True)
        places = []
        for i in range(breakpoint.GetNumLocations()):
            address = breakpoint.GetLocationAtIndex(i).GetAddress()
            entry = address.GetLineEntry()
            places.append(f"{entry.GetFileSpec().GetFilename()}:{entry.GetLine()}:{entry.GetColumn()}")
        print(f"breakpoint {name}: {len(places)} location(s) at {', '.join(sorted(places))}")
    info = lldb.SBLaunchInfo(args)
    info.SetWorkingDirectory(os.path.dirname(program))
    info.AddOpenFileAction(0, "/dev/null", True, False)
    info.AddOpenFileAction(1, "/dev/null", False, True)
    info.AddOpenFileAction(2, "/dev/null", False, True)
    error = lldb.SBError()
    process = target.Launch(info, error)
    if not error.Success():
        print(f"launch failed: {error.GetCString()}")
        return
    stops = 0
    reported = set()
    while process.GetState() == lldb.eStateStopped and stops < 1000:
        for thread in process:
            if thread.GetStopReason() != lldb.eStopReasonBreakpoint:
                continue
            # One-shot: several threads can reach a breakpoint before lldb deletes it; the first
            # report counts, as in gdb's tbreak.
            breakpoint_id = thread.GetStopReasonDataAtIndex(0)
            if breakpoint_id in reported:
                continue
            reported.add(breakpoint_id)
            stops += 1
            print(f"stop {stops}:")
            for frame in thread:
                print(f"  #{frame.GetFrameID()} {frame_line(frame)}")
            for local in thread.GetFrameAtIndex(0).GetVariables(False, True, False, True):
                print(f"  local {local.GetName()} = {describe(local)}")
        process.Continue()
    print(f"process state {process.GetState()}, exit status {process.GetExitStatus()}")


if __name__ == "__main__":
    main()
