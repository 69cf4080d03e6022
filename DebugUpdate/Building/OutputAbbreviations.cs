using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// The abbreviation table of one output unit. It starts as the input unit's table, every
/// declaration under its input code, so a DIE whose shape did not change keeps its code and can be
/// copied byte for byte; each new shape (tag, children, attribute/form list) is added once, under
/// the next free code.
/// </summary>
public sealed class OutputAbbreviations
{
    private readonly Dictionary<string, ulong> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong>.AlternateLookup<ReadOnlySpan<char>> _codesBySpan;
    private readonly ByteWriter _table = new(1024);
    private readonly ByteWriter _declaration = new(128);
    private char[] _key = new char[128];
    private ulong _nextCode = 1;

    public OutputAbbreviations(AbbreviationTable input)
    {
        _codesBySpan = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int a = 0; a < input.Count; a++)
        {
            var abbreviation = input[a];
            Declare(abbreviation.Tag, abbreviation.HasChildren, abbreviation.Attributes, static s => new OutputAttribute(s.Name, s.Form, s.ImplicitConst));
            _codes.TryAdd(Key(), abbreviation.Code);
            _table.WriteUleb(abbreviation.Code);
            _table.WriteBytes(_declaration.WrittenSpan);
            _nextCode = Math.Max(_nextCode, abbreviation.Code + 1);
        }
    }

    /// <summary>The table, terminated; valid once every DIE is written.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        _table.WriteUleb(0);
        return _table.Written;
    }

    /// <summary>The code of the declaration for this shape, added when new.</summary>
    public ulong CodeFor(DwTag tag, bool hasChildren, List<OutputAttribute> shape)
    {
        Declare(tag, hasChildren, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shape), static a => a);
        // PERF: looked up by a span over the declaration bytes; a string is made only for a new shape.
        if (_codesBySpan.TryGetValue(KeySpan(), out ulong code))
            return code;
        code = _nextCode++;
        _codes.Add(Key(), code);
        _table.WriteUleb(code);
        _table.WriteBytes(_declaration.WrittenSpan);
        return code;
    }

    /// <summary>Writes the declaration after its code (tag, children flag, attributes, the 0 0 end) to the scratch buffer.</summary>
    private void Declare<T>(DwTag tag, bool hasChildren, ReadOnlySpan<T> attributes, Func<T, OutputAttribute> shapeOf)
    {
        _declaration.Clear();
        _declaration.WriteUleb((ulong)tag);
        _declaration.WriteU8(hasChildren ? (byte)1 : (byte)0);
        foreach (var item in attributes)
        {
            var attribute = shapeOf(item);
            _declaration.WriteUleb((ulong)attribute.Name);
            _declaration.WriteUleb((ulong)attribute.Form);
            if (attribute.Form == DwForm.ImplicitConst)
                _declaration.WriteSleb(attribute.ImplicitConst);
        }
        _declaration.WriteUleb(0);
        _declaration.WriteUleb(0);
    }

    // The declaration bytes are the key; Latin-1 maps each byte to one char.
    private ReadOnlySpan<char> KeySpan()
    {
        var bytes = _declaration.WrittenSpan;
        if (_key.Length < bytes.Length)
            _key = new char[bytes.Length * 2];
        int count = Encoding.Latin1.GetChars(bytes, _key);
        return _key.AsSpan(0, count);
    }

    private string Key() => new(KeySpan());
}

/// <summary>One attribute of an output DIE's shape.</summary>
public readonly record struct OutputAttribute(DwAt Name, DwForm Form, long ImplicitConst = 0);
