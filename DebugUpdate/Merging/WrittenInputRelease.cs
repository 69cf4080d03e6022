using Rewriter.Common.Spooling;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// Gives back the mapped input pages of the units the merge has written out: their part of
/// .debug_info (and .debug_types) and their line tables. The update's resident memory then holds
/// the input only of the units still in progress, not the whole input's debug sections. A page
/// goes once every unit in it is written (units and line tables lie in unit order; one out of
/// order is only read in again from the file, never wrong). The other sections (lists, strings,
/// address tables) say nothing of which unit uses which part: they are given back whole each
/// time, and the units in progress read their pages in again.
/// </summary>
internal sealed class WrittenInputRelease
{
    private readonly DwarfFile _file;
    private readonly ReadOnlyMemory<byte> _line;
    private readonly List<ReadOnlyMemory<byte>> _shared = [];
    /// <summary>lineStart[i]: the lowest line table offset of units i and after (the section's end past the last).</summary>
    private readonly long[] _lineStart;
    private readonly Dictionary<string, long> _released = new(StringComparer.Ordinal);
    private int _written;

    public WrittenInputRelease(DwarfFile file, DebugSections input)
    {
        _file = file;
        _line = input.Get(DebugSectionNames.Line);
        _lineStart = new long[file.Units.Count + 1];
        _lineStart[^1] = _line.Length;
        for (int u = file.Units.Count - 1; u >= 0; u--)
            _lineStart[u] = file.Units[u].StmtList is { } offset && offset < (ulong)_line.Length ? Math.Min((long)offset, _lineStart[u + 1]) : _lineStart[u + 1];
        foreach (string name in input.Names)
            if (name is not (DebugSectionNames.Info or DebugSectionNames.Types or DebugSectionNames.Line))
                _shared.Add(input.Get(name));
    }

    /// <summary>The first <paramref name="writtenUnits"/> units are written out.</summary>
    public void UpTo(int writtenUnits)
    {
        if (writtenUnits == _written)
            return;
        for (; _written < writtenUnits; _written++)
        {
            var view = _file.Units[_written].Info;
            Release(view.Name, view.Bytes, _file.Units[_written].Header.End);
        }
        Release(DebugSectionNames.Line, _line, _lineStart[writtenUnits]);
        foreach (var section in _shared)
            MappedPages.Release(section);
    }

    /// <summary>Releases [0, end) of a section, from a page before what was released last (the page that straddled it is done now too).</summary>
    private void Release(string name, ReadOnlyMemory<byte> section, long end)
    {
        long from = Math.Max(0, _released.GetValueOrDefault(name) - Environment.SystemPageSize);
        end = Math.Min(end, section.Length);
        if (end <= from)
            return;
        MappedPages.Release(section.Slice((int)from, (int)(end - from)));
        _released[name] = end;
    }
}
