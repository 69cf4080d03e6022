using Rewriter.DebugUpdate.Reading;
using Rewriter.Diagnostics;
using Rewriter.CallFrames;

namespace Rewriter.DebugUpdate.Frames;

/// <summary>
/// A .debug_frame read and evaluated: its FDEs by start address with their CFI tables, so that
/// "the unwind state at an address" is one search. Malformed CFI raises <see cref="DwarfFormatException"/>.
/// </summary>
internal sealed class DebugFrameTables
{
    private readonly Fde[] _fdes;      // live FDEs (code of their own, not discarded), by start
    private readonly CfiTable[] _tables;

    private DebugFrameTables(Fde[] fdes, CfiTable[] tables)
    {
        _fdes = fdes;
        _tables = tables;
    }

    public IReadOnlyList<Fde> Fdes => _fdes;

    public CfiTable TableOf(int index) => _tables[index];

    public static DebugFrameTables Read(ReadOnlyMemory<byte> section)
    {
        try
        {
            var table = CallFrameReader.Read(section.Span, 0, DebugFrameRewriter.SectionName, CallFrameSection.DebugFrame);
            var interpreter = new CfiInterpreter(section, 0, DebugFrameRewriter.SectionName);
            var live = table.Fdes.Where(f => f.PcRange > 0 && !IsDiscarded(f.PcBegin)).OrderBy(f => f.PcBegin).ThenBy(f => f.Offset).ToArray();
            return new DebugFrameTables(live, live.Select(interpreter.Evaluate).ToArray());
        }
        catch (InputFormatException e)
        {
            throw new DwarfFormatException(e.Section ?? DebugFrameRewriter.SectionName, e.Section != null ? e.Offset : 0, e.What);
        }
    }

    /// <summary>Address 0 and the -1/-2 tombstones mark code the linker discarded.</summary>
    private static bool IsDiscarded(ulong address) => address == 0 || address >= 0xffff_ffff_ffff_fffeUL;

    /// <summary>The FDE whose range holds <paramref name="address"/> (of several starting at one address, the first), or -1.</summary>
    /// <remarks>FDEs do not overlap in compiler output, so only those with the last start at or before the address are candidates.</remarks>
    public int IndexCovering(ulong address)
    {
        int last = FirstStartingAfter(address) - 1;
        if (last < 0)
            return -1;
        int first = last;
        while (first > 0 && _fdes[first - 1].PcBegin == _fdes[last].PcBegin)
            first--;
        for (int i = first; i <= last; i++)
            if (address < _fdes[i].PcEnd)
                return i;
        return -1;
    }

    private int FirstStartingAfter(ulong address)
    {
        int lo = 0, hi = _fdes.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_fdes[mid].PcBegin <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The unwind state at <paramref name="address"/>, or null when no FDE covers it.</summary>
    public CfiState? StateAt(ulong address) => IndexCovering(address) is >= 0 and var index ? _tables[index].StateAt(address) : null;

    /// <summary>Every address in [start, end) where this section's state may change: FDE starts and ends, rows.</summary>
    public IEnumerable<ulong> ChangesIn(ulong start, ulong end)
    {
        // The FDE before the first one starting in range may still reach into it.
        for (int i = Math.Max(0, FirstStartingAfter(start) - 1); i < _fdes.Length && _fdes[i].PcBegin < end; i++)
        {
            if (_fdes[i].PcEnd <= start)
                continue;
            yield return _fdes[i].PcBegin;
            yield return _fdes[i].PcEnd;
            foreach (var row in _tables[i].Rows)
                yield return row.Address;
        }
    }
}
