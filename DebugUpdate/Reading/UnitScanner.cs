using System.Runtime.CompilerServices;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Walks a unit's DIEs in section order and decodes their attributes, without building an index:
/// the fastest way to look at every attribute once (partitioning, statistics, benchmarks).
/// <code>
/// var scanner = unit.Scan();
/// while (scanner.NextDie())
///     while (scanner.NextAttribute(out var value)) …
/// </code>
/// </summary>
public ref struct UnitScanner
{
    private DwarfCursor _cursor;
    private readonly AbbreviationTable _abbreviations;
    private readonly UnitEncoding _encoding;
    private AttributeSpec[] _specs;
    private int _nextAttribute;
    private int _fixedStart; // where the current DIE's values start when it is fixed-size; else -1

    public UnitScanner(SectionView info, UnitHeader header, AbbreviationTable abbreviations)
    {
        // PERF: the cursor ends where the unit ends, so its own bounds check also stops a DIE from
        // running into the next unit; no separate end check per attribute.
        _cursor = new DwarfCursor(info.Span[..(int)header.End], info.Name, info.BaseOffset, info.File);
        _cursor.Seek(header.FirstDieOffset);
        _abbreviations = abbreviations;
        _encoding = header.Encoding;
        _specs = [];
        _nextAttribute = 0;
        _fixedStart = -1;
        Abbreviation = null;
        DieOffset = 0;
        Depth = 0;
    }

    /// <summary>Abbreviation of the current DIE.</summary>
    public Abbreviation? Abbreviation { get; private set; }

    /// <summary>Section offset of the current DIE.</summary>
    public int DieOffset { get; private set; }

    /// <summary>Nesting depth of the current DIE (0 for the root).</summary>
    public int Depth { get; private set; }

    public readonly DwTag Tag => Abbreviation?.Tag ?? 0;

    /// <summary>Moves to the next DIE (skipping the current one's unread attributes); NULL entries are consumed, not returned.</summary>
    public bool NextDie()
    {
        // Skip what the caller did not read of the previous DIE (a fixed-size one is already skipped).
        if (_fixedStart < 0)
            while (_nextAttribute < _specs.Length)
                AttributeDecoder.Skip(ref _cursor, in _specs[_nextAttribute++], _encoding);
        if (Abbreviation is { HasChildren: true })
            Depth++;
        while (!_cursor.AtEnd)
        {
            int start = _cursor.Position;
            ulong code = _cursor.ReadUleb();
            if (code == 0)
            {
                if (Depth > 0)
                    Depth--;
                continue;
            }
            if (!_abbreviations.TryGetIndex(code, out int index))
                throw MissingAbbreviation(start, code);
            var abbreviation = _abbreviations[index];
            Abbreviation = abbreviation;
            DieOffset = start;
            _specs = abbreviation.Attributes;
            _nextAttribute = 0;
            // PERF: a DIE whose forms are all fixed-size is skipped in one addition now; its values
            // are then read at precomputed offsets (AttributeSpec.FixedOffset).
            if (abbreviation.FixedSize >= 0)
            {
                _fixedStart = _cursor.Position;
                _cursor.Skip((ulong)abbreviation.FixedSize);
            }
            else
                _fixedStart = -1;
            return true;
        }
        Abbreviation = null;
        _specs = [];
        return false;
    }

    // PERF: building the message inline would give NextDie a large frame to set up on every call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly DwarfFormatException MissingAbbreviation(int dieOffset, ulong code) =>
        _cursor.ErrorAt(dieOffset, $"abbreviation code {code} is not in the table at .debug_abbrev+0x{_abbreviations.Offset:x}");

    /// <summary>Decodes the current DIE's next attribute.</summary>
    public bool NextAttribute(out AttributeValue value)
    {
        if (_nextAttribute >= _specs.Length)
        {
            value = default;
            return false;
        }
        ref readonly var spec = ref _specs[_nextAttribute++];
        if (_fixedStart < 0)
            value = AttributeDecoder.Read(ref _cursor, in spec, _encoding);
        else if (spec.IntegerKind is { } kind)
        {
            int at = _fixedStart + spec.FixedOffset;
            value = new AttributeValue(spec.Name, spec.Form, kind, _cursor.PeekFixed(at, spec.FixedSize), 0, 0) { ValueOffset = at };
        }
        else if (spec.FixedSize == 0)
            value = AttributeDecoder.ZeroSize(in spec, _fixedStart + spec.FixedOffset);
        else
        {
            // data16: decode from a cursor placed at the value.
            var cursor = _cursor;
            cursor.Seek(_fixedStart + spec.FixedOffset);
            value = AttributeDecoder.Read(ref cursor, in spec, _encoding);
        }
        return true;
    }
}
