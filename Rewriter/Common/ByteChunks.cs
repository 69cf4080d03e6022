namespace Rewriter.Common;

/// <summary>A section's bytes handed over as chunks in order (so producers need not join them), made one.</summary>
public static class ByteChunks
{
    /// <summary>The chunks in one new array.</summary>
    public static byte[] Concat(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        long length = 0;
        foreach (var chunk in chunks)
            length += chunk.Length;
        var joined = new byte[length];
        int at = 0;
        foreach (var chunk in chunks)
        {
            chunk.Span.CopyTo(joined.AsSpan(at));
            at += chunk.Length;
        }
        return joined;
    }

    /// <summary>The chunks as one piece of memory: a single chunk as it is, else a new array.</summary>
    public static ReadOnlyMemory<byte> Join(IReadOnlyList<ReadOnlyMemory<byte>> chunks) => chunks.Count == 1 ? chunks[0] : Concat(chunks);
}
