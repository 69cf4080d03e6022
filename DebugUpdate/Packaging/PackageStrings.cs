using System.Buffers.Binary;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Packaging;

/// <summary>
/// The .debug_str.dwo of a package: every string of each packed file, once, in the order the
/// files and their strings come (as llvm-dwp merges them); each file's .debug_str_offsets.dwo is
/// rewritten to point into it.
/// </summary>
internal sealed class PackageStrings
{
    private readonly AddedStrings _strings = new(0);

    public ReadOnlyMemory<byte> Section => _strings.Bytes;

    /// <summary>
    /// Adds the file's strings and returns its string offsets table with every entry moved to the
    /// package's copy of the string. <paramref name="version"/> is the file's DWARF version: from 5
    /// on the table is a sequence of contributions with headers, before it a bare array.
    /// </summary>
    public ReadOnlyMemory<byte> AddFile(DebugSections file, int version)
    {
        var strings = file.View(DebugSectionNames.Dwo(DebugSectionNames.Str));
        var offsets = file.View(DebugSectionNames.Dwo(DebugSectionNames.StrOffsets));
        var moved = new Dictionary<uint, uint>();
        var cursor = strings.CursorAt(0);
        while (cursor.Remaining > 0)
        {
            int start = cursor.Position;
            var text = cursor.ReadCString();
            moved[(uint)start] = Intern(strings.Bytes.Slice(start, text.Length));
        }
        if (offsets.IsEmpty)
            return ReadOnlyMemory<byte>.Empty;

        var output = offsets.Span.ToArray();
        var table = offsets.CursorAt(0);
        if (version < 5)
            RewriteEntries(output, ref table, offsets.Length, strings, moved);
        else
            while (table.Remaining > 0)
            {
                var (end, offsetSize) = table.ReadContributionStart(5, "string offsets table", DebugSectionNames.Dwo(DebugSectionNames.StrOffsets));
                if (offsetSize != 4)
                    throw table.Error("a DWARF64 string offsets table cannot be packed yet");
                table.ReadU16(); // padding
                RewriteEntries(output, ref table, end, strings, moved);
            }
        return output;
    }

    private void RewriteEntries(byte[] output, ref DwarfCursor table, int end, SectionView strings, Dictionary<uint, uint> moved)
    {
        if ((end - table.Position) % 4 != 0)
            throw table.Error($"string offsets run to 0x{end:x}, not a whole number of 4-byte entries");
        while (table.Position < end)
        {
            int at = table.Position;
            uint local = table.ReadU32();
            if (!moved.TryGetValue(local, out uint packaged))
            {
                // An entry inside a string (a shared tail) gets that tail as a string of its own.
                if (local >= strings.Length)
                    throw table.ErrorAt(at, $"string offset 0x{local:x} is past the end of {strings.Name} (size 0x{strings.Length:x})");
                int length = strings.Span[(int)local..].IndexOf((byte)0);
                moved[local] = packaged = Intern(strings.Bytes.Slice((int)local, length));
            }
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(at), packaged);
        }
    }

    private uint Intern(ReadOnlyMemory<byte> text)
    {
        ulong offset = _strings.OffsetOf(text);
        if (offset + (ulong)text.Length + 1 > uint.MaxValue)
            throw new DwarfFormatException(DebugSectionNames.Dwo(DebugSectionNames.Str), (long)offset, "the package's strings pass 4 GiB");
        return (uint)offset;
    }
}
