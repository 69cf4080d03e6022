using System.Security.Cryptography;

namespace Rewriter.Elf.Writing;

/// <summary>
/// The output's GNU build-id: a hash of the whole output file with the build-id's own bytes taken
/// as zeros, cut to the input build-id's length. It depends only on the output's contents, so it
/// is the same for every run and thread count, and it differs from the input's whenever anything
/// else in the file does; build-id-keyed lookups (debuginfod, /usr/lib/debug/.build-id) then never
/// hand the input's debug information out for the output.
/// </summary>
public sealed class BuildIdStamp(ulong outputOffset, byte[] original)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Where the build-id's descriptor lies in the output.</summary>
    public ulong OutputOffset { get; } = outputOffset;
    public byte[] Original { get; } = original;

    /// <summary>Feeds bytes written at <paramref name="position"/> to the hash, the descriptor's bytes as zeros.</summary>
    public void Observe(ulong position, ReadOnlySpan<byte> bytes)
    {
        ulong end = position + (ulong)bytes.Length, windowEnd = OutputOffset + (ulong)Original.Length;
        if (end <= OutputOffset || position >= windowEnd)
        {
            _hash.AppendData(bytes);
            return;
        }
        byte[] copy = bytes.ToArray();
        ulong from = Math.Max(position, OutputOffset), to = Math.Min(end, windowEnd);
        copy.AsSpan((int)(from - position), (int)(to - from)).Clear();
        _hash.AppendData(copy);
    }

    /// <summary>The new build-id, as long as the original: the hash, extended by hashing it again with a counter when the original is longer.</summary>
    public byte[] Finish()
    {
        byte[] digest = _hash.GetHashAndReset();
        var id = new byte[Original.Length];
        for (int filled = 0, round = 0; filled < id.Length; round++)
        {
            byte[] block = round == 0 ? digest : SHA256.HashData([.. digest, (byte)round]);
            int take = Math.Min(block.Length, id.Length - filled);
            block.AsSpan(0, take).CopyTo(id.AsSpan(filled));
            filled += take;
        }
        if (id.AsSpan().SequenceEqual(Original))
            id[^1] ^= 1; // a collision with the input's build-id would defeat the purpose
        return id;
    }
}
