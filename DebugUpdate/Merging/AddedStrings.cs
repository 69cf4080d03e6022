using System.Text;
using Rewriter.DebugUpdate.Building;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// Strings the update adds to .debug_str (a skeleton's new dwo_name; names an index needs that
/// .debug_str lacks, such as gcc's inline names), appended after it once each, in the order they
/// are first asked for; the merge and the name indexes of one update share it.
/// </summary>
public sealed class AddedStrings(ulong stringSectionLength)
{
    private readonly ByteWriter _bytes = new(256);
    private readonly Dictionary<string, ulong> _offsets = new(StringComparer.Ordinal);

    /// <summary>The .debug_str offset the string will have.</summary>
    public ulong OffsetOf(byte[] text)
    {
        string key = Encoding.Latin1.GetString(text);
        if (!_offsets.TryGetValue(key, out ulong offset))
        {
            offset = stringSectionLength + (ulong)_bytes.Position;
            _offsets.Add(key, offset);
            _bytes.WriteBytes(text);
            _bytes.WriteU8(0);
        }
        return offset;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes.Written;
}
