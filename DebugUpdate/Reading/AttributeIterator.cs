namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Decodes the attributes of one DIE in order, straight from the section (no allocation).
/// Use with foreach: <c>foreach (var attribute in unit.Attributes(die)) …</c>.
/// </summary>
public ref struct AttributeIterator
{
    private DwarfCursor _cursor;
    private readonly AttributeSpec[] _specs;
    private readonly UnitEncoding _encoding;
    private int _next;

    public AttributeIterator(DwarfCursor cursor, Abbreviation abbreviation, UnitEncoding encoding)
    {
        _cursor = cursor;
        _specs = abbreviation.Attributes;
        _encoding = encoding;
        _next = 0;
        Current = default;
    }

    public AttributeValue Current { get; private set; }

    /// <summary>Position just after the attributes read so far (the next DIE once all are read).</summary>
    public readonly int Position => _cursor.Position;

    public bool MoveNext()
    {
        if (_next >= _specs.Length)
            return false;
        Current = AttributeDecoder.Read(ref _cursor, in _specs[_next++], _encoding);
        return true;
    }

    public readonly AttributeIterator GetEnumerator() => this;
}
