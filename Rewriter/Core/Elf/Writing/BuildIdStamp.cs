using System.Buffers;
using System.Security.Cryptography;

namespace Rewriter.Elf.Writing;

/// <summary>
/// The output's GNU build-id: a hash of the whole output file with the build-id's own bytes taken
/// as zeros, cut to the input build-id's length. It depends only on the output's contents, so it
/// is the same for every run and thread count, and it differs from the input's whenever anything
/// else in the file does; build-id-keyed lookups (debuginfod, /usr/lib/debug/.build-id) then never
/// hand the input's debug information out for the output.
/// The hash is SHA-256 over the SHA-256 of each 4 MiB piece of the file (as lld hashes for
/// --build-id): the pieces are hashed in parallel once the file is written, where one hash over
/// the whole file was a serial pass of ~100 ms on gdb's 160 MB output.
/// </summary>
public sealed class BuildIdStamp(ulong outputOffset, byte[] original)
{
    private const int PieceSize = 4 << 20;

    /// <summary>Where the build-id's descriptor lies in the output.</summary>
    public ulong OutputOffset { get; } = outputOffset;
    public byte[] Original { get; } = original;

    /// <summary>Reads <c>bytes.Length</c> bytes of the written output at an offset; called from several threads at once.</summary>
    public delegate void ReadAt(long offset, Span<byte> bytes);

    /// <summary>The new build-id of the <paramref name="length"/>-byte output, read back through <paramref name="read"/>.</summary>
    public byte[] Compute(long length, ReadAt read, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int pieces = (int)((length + PieceSize - 1) / PieceSize);
        var digests = new byte[pieces * SHA256.HashSizeInBytes];
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, piece =>
        {
            long start = (long)piece * PieceSize;
            int size = (int)Math.Min(PieceSize, length - start);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var bytes = buffer.AsSpan(0, size);
                read(start, bytes);
                ClearDescriptor(bytes, (ulong)start);
                SHA256.HashData(bytes, digests.AsSpan(piece * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        });
        return Extend(SHA256.HashData(digests));
    }

    /// <summary>Zeros the part of the build-id descriptor that lies in <paramref name="bytes"/>, read at <paramref name="position"/>.</summary>
    private void ClearDescriptor(Span<byte> bytes, ulong position)
    {
        ulong end = position + (ulong)bytes.Length, windowEnd = OutputOffset + (ulong)Original.Length;
        if (end <= OutputOffset || position >= windowEnd)
            return;
        ulong from = Math.Max(position, OutputOffset), to = Math.Min(end, windowEnd);
        bytes.Slice((int)(from - position), (int)(to - from)).Clear();
    }

    /// <summary>The new build-id, as long as the original: the hash, extended by hashing it again with a counter when the original is longer.</summary>
    private byte[] Extend(byte[] digest)
    {
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
