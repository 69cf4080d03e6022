namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// A named window on a debug section: the whole section, or one unit's contribution inside a
/// .dwp package. <see cref="BaseOffset"/> is where the window starts in the real section, so errors
/// still name real section offsets; <see cref="File"/> is the file it came from, so they name that too.
/// </summary>
public readonly struct SectionView
{
    public SectionView(string name, ReadOnlyMemory<byte> bytes, long baseOffset = 0, string? file = null)
    {
        Name = name;
        Bytes = bytes;
        BaseOffset = baseOffset;
        File = file;
    }

    public string Name { get; }
    public string? File { get; }
    public ReadOnlyMemory<byte> Bytes { get; }
    public long BaseOffset { get; }

    public int Length => Bytes.Length;
    public bool IsEmpty => Bytes.IsEmpty;
    public ReadOnlySpan<byte> Span => Bytes.Span;

    /// <summary>A cursor positioned at <paramref name="offset"/> (relative to this window).</summary>
    public DwarfCursor CursorAt(long offset)
    {
        var cursor = new DwarfCursor(Bytes.Span, Name, BaseOffset, File);
        cursor.Seek(offset);
        return cursor;
    }

    /// <summary>A sub-window, checked against this window's bounds.</summary>
    public SectionView Slice(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > Length || length > Length - offset)
            throw new DwarfFormatException(Name, BaseOffset + Math.Max(0, offset),
                $"contribution [0x{offset:x}, +0x{length:x}) lies outside the section (size 0x{Length:x})", File);
        return new SectionView(Name, Bytes.Slice((int)offset, (int)length), BaseOffset + offset, File);
    }

    public DwarfFormatException Error(long offset, string problem) => new(Name, BaseOffset + offset, problem, File);
}
