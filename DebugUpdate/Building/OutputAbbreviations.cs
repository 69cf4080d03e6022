using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// The abbreviation table of one output unit: one declaration per distinct shape (tag, children,
/// attribute/form list), codes in first-use order.
/// </summary>
public sealed class OutputAbbreviations
{
    private readonly Dictionary<string, ulong> _codes = new(StringComparer.Ordinal);
    private readonly ByteWriter _table = new(1024);
    private readonly ByteWriter _declaration = new(128);

    /// <summary>The table, terminated; valid once every DIE is written.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        _table.WriteUleb(0);
        return _table.Written;
    }

    /// <summary>The code of the declaration for this shape, added when new.</summary>
    public ulong CodeFor(DwTag tag, bool hasChildren, List<OutputAttribute> shape)
    {
        _declaration.Clear();
        _declaration.WriteUleb((ulong)tag);
        _declaration.WriteU8(hasChildren ? (byte)1 : (byte)0);
        foreach (var attribute in shape)
        {
            _declaration.WriteUleb((ulong)attribute.Name);
            _declaration.WriteUleb((ulong)attribute.Form);
            if (attribute.Form == DwForm.ImplicitConst)
                _declaration.WriteSleb(attribute.ImplicitConst);
        }
        _declaration.WriteUleb(0);
        _declaration.WriteUleb(0);
        // PERF: the declaration bytes are the key; Latin-1 maps each byte to one char.
        string key = Encoding.Latin1.GetString(_declaration.WrittenSpan);
        if (!_codes.TryGetValue(key, out ulong code))
        {
            code = (ulong)_codes.Count + 1;
            _codes.Add(key, code);
            _table.WriteUleb(code);
            _table.WriteBytes(_declaration.WrittenSpan);
        }
        return code;
    }
}

/// <summary>One attribute of an output DIE's shape.</summary>
public readonly record struct OutputAttribute(DwAt Name, DwForm Form, long ImplicitConst = 0);
