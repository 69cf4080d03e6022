using System.Text;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>NUL-terminated strings of .debug_str / .debug_line_str (and their .dwo variants).</summary>
public static class StringSection
{
    public static ReadOnlySpan<byte> ReadBytes(SectionView section, ulong offset)
    {
        if (offset >= (ulong)section.Length)
            throw section.Error((long)Math.Min(offset, (ulong)section.Length), $"string offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        // PERF: what a cursor's ReadCString does, without making a cursor.
        var rest = section.Span.Slice((int)offset);
        int length = rest.IndexOf((byte)0);
        if (length < 0)
            throw section.Error((long)offset, "string is not NUL-terminated before the end of the section");
        return rest.Slice(0, length);
    }

    public static string Read(SectionView section, ulong offset) => Encoding.UTF8.GetString(ReadBytes(section, offset));
}
