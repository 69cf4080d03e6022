namespace Rewriter.DebugUpdate.Reading;

/// <summary>The abbreviation declarations found at one .debug_abbrev offset.</summary>
public sealed class AbbreviationTable
{
    private readonly Abbreviation[] _abbreviations;
    // PERF: codes are almost always 1..n in order, so a code maps to an index by subtraction;
    // the dictionary is only built for sparse or shuffled tables.
    private readonly ulong _firstCode;
    private readonly bool _sequential;
    private readonly Dictionary<ulong, int>? _byCode;

    private AbbreviationTable(Abbreviation[] abbreviations, ulong offset)
    {
        _abbreviations = abbreviations;
        Offset = offset;
        _sequential = true;
        _firstCode = abbreviations.Length > 0 ? abbreviations[0].Code : 1;
        for (int i = 0; i < abbreviations.Length; i++)
        {
            if (abbreviations[i].Code != _firstCode + (ulong)i)
            {
                _sequential = false;
                break;
            }
        }
        if (!_sequential)
        {
            _byCode = new Dictionary<ulong, int>(abbreviations.Length);
            for (int i = 0; i < abbreviations.Length; i++)
                _byCode.TryAdd(abbreviations[i].Code, i);
        }
        foreach (var abbreviation in abbreviations)
            HasRefAddr |= abbreviation.HasRefAddr;
    }

    public ulong Offset { get; }
    public int Count => _abbreviations.Length;
    public Abbreviation this[int index] => _abbreviations[index];

    /// <summary>True when some abbreviation uses DW_FORM_ref_addr; otherwise the unit cannot reference other units.</summary>
    public bool HasRefAddr { get; }

    public bool TryGetIndex(ulong code, out int index)
    {
        if (_sequential)
        {
            ulong i = code - _firstCode;
            if (i < (ulong)_abbreviations.Length)
            {
                index = (int)i;
                return true;
            }
            index = -1;
            return false;
        }
        return _byCode!.TryGetValue(code, out index);
    }

    /// <summary>Parses the declarations at <paramref name="offset"/> up to their terminating 0 code.</summary>
    public static AbbreviationTable Parse(SectionView section, ulong offset, UnitEncoding encoding)
    {
        if (offset > (ulong)section.Length)
            throw section.Error(0, $"abbreviation offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        var cursor = section.CursorAt((long)offset);
        var list = new List<Abbreviation>();
        var specs = new List<AttributeSpec>();
        while (true)
        {
            if (cursor.AtEnd)
                throw cursor.Error("abbreviation table is not terminated by a 0 code");
            int declStart = cursor.Position;
            ulong code = cursor.ReadUleb();
            if (code == 0)
                break;
            ulong tag = cursor.ReadUleb();
            if (tag == 0 || tag > ushort.MaxValue)
                throw cursor.ErrorAt(declStart, $"abbreviation {code} has invalid tag 0x{tag:x}");
            byte children = cursor.ReadU8();
            if (children > 1)
                throw cursor.ErrorAt(declStart, $"abbreviation {code} has invalid children flag {children}");
            specs.Clear();
            int fixedOffset = 0;
            while (true)
            {
                int specStart = cursor.Position;
                ulong name = cursor.ReadUleb();
                ulong form = cursor.ReadUleb();
                if (name == 0 && form == 0)
                    break;
                if (name == 0 || name > ushort.MaxValue)
                    throw cursor.ErrorAt(specStart, $"abbreviation {code} has invalid attribute 0x{name:x}");
                if (form > ushort.MaxValue || !FormSizes.IsKnown((DwForm)form))
                    throw cursor.ErrorAt(specStart, $"abbreviation {code} uses unknown form 0x{form:x}");
                long implicitConst = (DwForm)form == DwForm.ImplicitConst ? cursor.ReadSleb() : 0;
                int size = FormSizes.FixedSize((DwForm)form, encoding);
                specs.Add(new AttributeSpec((DwAt)name, (DwForm)form, implicitConst, size)
                {
                    IntegerKind = FormSizes.IntegerKind((DwForm)form),
                    UlebKind = FormSizes.UlebKind((DwForm)form),
                    FixedOffset = fixedOffset,
                });
                fixedOffset = fixedOffset < 0 || size < 0 ? -1 : fixedOffset + size;
            }
            if (list.Count >= ushort.MaxValue)
                throw cursor.ErrorAt(declStart, "more than 65535 abbreviations in one table");
            list.Add(new Abbreviation(code, (DwTag)tag, children == 1, specs.ToArray()));
        }
        return new AbbreviationTable(list.ToArray(), offset);
    }
}
