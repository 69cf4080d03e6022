using Rewriter.DebugUpdate.Building;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// Strings appended to a string section, once each, in the order they are first asked for: those
/// the update adds to .debug_str (a skeleton's new dwo_name; names an index needs that .debug_str
/// lacks, such as gcc's inline names), shared by the merge and the name indexes of one update; and
/// a package's merged .debug_str.dwo (of a section of length 0).
/// </summary>
public sealed class AddedStrings(ulong stringSectionLength)
{
    private readonly ByteWriter _bytes = new(256);
    private readonly Dictionary<ReadOnlyMemory<byte>, ulong> _offsets = new(ByteSequenceComparer.Instance);

    /// <summary>The offset the string (without its NUL; its bytes must not change) will have in the section.</summary>
    public ulong OffsetOf(ReadOnlyMemory<byte> text)
    {
        if (!_offsets.TryGetValue(text, out ulong offset))
        {
            offset = stringSectionLength + (ulong)_bytes.Position;
            _offsets.Add(text, offset);
            _bytes.WriteBytes(text.Span);
            _bytes.WriteU8(0);
        }
        return offset;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes.Written;

    private sealed class ByteSequenceComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly ByteSequenceComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes.Span);
            return hash.ToHashCode();
        }
    }
}
