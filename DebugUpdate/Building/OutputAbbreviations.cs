using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// The abbreviation table of one output unit. It starts as the input unit's table, every
/// declaration under its input code, so a DIE whose shape did not change keeps its code and can be
/// copied byte for byte; each new shape (tag, children, attribute/form list) is added once, under
/// the next free code, after the input's declarations.
/// </summary>
public sealed class OutputAbbreviations
{
    // PERF: the input table's declarations, serialized and keyed once per input table (every type
    // unit of a .dwo shares one), shared read-only by the units that start from it. Keyed by their
    // bytes in the table itself (no string per declaration: a unit's table has hundreds).
    private sealed class Seed
    {
        public required Dictionary<Declaration, ulong>.AlternateLookup<ReadOnlySpan<byte>> CodesByBytes { get; init; }
        /// <summary>The declarations and the terminating 0: the whole output table of a unit that adds none.</summary>
        public required ReadOnlyMemory<byte> Table { get; init; }
        public required ulong NextCode { get; init; }
    }

    /// <summary>A declaration's bytes after its code (tag, children flag, attributes, the 0 0 end), where they lie in a seed's table.</summary>
    private readonly record struct Declaration(int Start, int Length);

    /// <summary>Compares declarations by their bytes in one table, and a declaration with bytes written elsewhere.</summary>
    private sealed class DeclarationBytes(byte[] table) : IEqualityComparer<Declaration>, IAlternateEqualityComparer<ReadOnlySpan<byte>, Declaration>
    {
        private ReadOnlySpan<byte> Of(Declaration declaration) => table.AsSpan(declaration.Start, declaration.Length);
        public bool Equals(Declaration x, Declaration y) => Of(x).SequenceEqual(Of(y));
        public int GetHashCode(Declaration declaration) => GetHashCode(Of(declaration));
        public bool Equals(ReadOnlySpan<byte> bytes, Declaration declaration) => bytes.SequenceEqual(Of(declaration));
        public int GetHashCode(ReadOnlySpan<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
        // Lookups only: every key is added from the table.
        public Declaration Create(ReadOnlySpan<byte> bytes) => throw new NotSupportedException();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AbbreviationTable, Seed> Seeds = [];

    private readonly Seed _seed;
    private readonly ByteWriter _declaration = new(128);
    private Dictionary<string, ulong>? _added;
    private Dictionary<string, ulong>.AlternateLookup<ReadOnlySpan<char>> _addedBySpan;
    private ByteWriter? _addedTable;
    private char[] _key = new char[128];
    private ulong _nextCode;

    public OutputAbbreviations(AbbreviationTable input)
    {
        _seed = Seeds.GetValue(input, CreateSeed);
        _nextCode = _seed.NextCode;
    }

    private static Seed CreateSeed(AbbreviationTable input)
    {
        var builder = new OutputAbbreviations();
        var table = new ByteWriter(1024);
        var declarations = new (Declaration Bytes, ulong Code)[input.Count];
        ulong nextCode = 1;
        for (int a = 0; a < input.Count; a++)
        {
            var abbreviation = input[a];
            builder.Declare(abbreviation.Tag, abbreviation.HasChildren, abbreviation.Attributes, static s => new OutputAttribute(s.Name, s.Form, s.ImplicitConst));
            table.WriteUleb(abbreviation.Code);
            declarations[a] = (new Declaration(table.Position, builder._declaration.Position), abbreviation.Code);
            table.WriteBytes(builder._declaration.WrittenSpan);
            nextCode = Math.Max(nextCode, abbreviation.Code + 1);
        }
        table.WriteUleb(0);
        var bytes = table.Written.ToArray();
        var codes = new Dictionary<Declaration, ulong>(declarations.Length, new DeclarationBytes(bytes));
        // Of two declarations of one shape, the first one's code is kept.
        foreach (var (declaration, code) in declarations)
            codes.TryAdd(declaration, code);
        return new Seed { CodesByBytes = codes.GetAlternateLookup<ReadOnlySpan<byte>>(), Table = bytes, NextCode = nextCode };
    }

    // Only for building a seed.
    private OutputAbbreviations() => _seed = null!;

    /// <summary>The table, terminated; valid once every DIE is written. The input table's bytes, shared, when no shape was added.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_addedTable is null)
            return _seed.Table;
        var seedBytes = _seed.Table.Span[..^1]; // without its terminator
        var table = new byte[seedBytes.Length + _addedTable.Position + 1];
        seedBytes.CopyTo(table);
        _addedTable.WrittenSpan.CopyTo(table.AsSpan(seedBytes.Length));
        return table;
    }

    /// <summary>The code of the declaration for this shape, added when new.</summary>
    public ulong CodeFor(DwTag tag, bool hasChildren, List<OutputAttribute> shape)
    {
        Declare(tag, hasChildren, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shape), static a => a);
        // PERF: looked up by the declaration bytes; a string is made only for a new shape.
        if (_seed.CodesByBytes.TryGetValue(_declaration.WrittenSpan, out ulong code) || (_added is not null && _addedBySpan.TryGetValue(KeySpan(), out code)))
            return code;
        if (_added is null)
        {
            _added = new Dictionary<string, ulong>(StringComparer.Ordinal);
            _addedBySpan = _added.GetAlternateLookup<ReadOnlySpan<char>>();
            _addedTable = new ByteWriter(256);
        }
        code = _nextCode++;
        _added.Add(Key(), code);
        _addedTable!.WriteUleb(code);
        _addedTable.WriteBytes(_declaration.WrittenSpan);
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
