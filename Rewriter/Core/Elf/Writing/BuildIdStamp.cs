using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Rewriter.Elf.Writing;

/// <summary>
/// The output's GNU build-id: a hash of the whole output file with the build-id's own bytes taken
/// as zeros, cut to the input build-id's length. It depends only on the output's contents, so it
/// is the same for every run and thread count, and it differs from the input's whenever anything
/// else in the file does; build-id-keyed lookups (debuginfod, /usr/lib/debug/.build-id) then never
/// hand the input's debug information out for the output.
/// The hash is SHA-256 over the SHA-256 of each 4 MiB piece of the file (as lld hashes for
/// --build-id), so a piece is hashed as soon as it is written, on another thread while the rest is
/// written (<see cref="Hasher"/>): one hash over the whole file was a serial ~100 ms on gdb's
/// 160 MB output.
/// </summary>
public sealed class BuildIdStamp(ulong outputOffset, byte[] original)
{
    private const int PieceSize = 4 << 20;

    /// <summary>Where the build-id's descriptor lies in the output.</summary>
    public ulong OutputOffset { get; } = outputOffset;
    public byte[] Original { get; } = original;

    /// <summary>Reads <c>bytes.Length</c> bytes of the written output at an offset; called from one thread at a time, not always the writer's.</summary>
    public delegate void ReadAt(long offset, Span<byte> bytes);

    /// <summary>Starts hashing an output as it is written: with 2 threads or more, beside the writer.</summary>
    public Hasher Start(ReadAt read, int threads) => new(this, read, threads > 1);

    /// <summary>The new build-id of a <paramref name="length"/>-byte output, all written.</summary>
    public byte[] Compute(long length, ReadAt read, int threads)
    {
        using var hasher = Start(read, threads);
        return hasher.Finish(length);
    }

    /// <summary>
    /// Hashes the output's pieces in order as the writer reports them written (<see cref="Written"/>),
    /// either at once on the writer's thread or on a thread of its own.
    /// </summary>
    public sealed class Hasher : IDisposable
    {
        private readonly BuildIdStamp _stamp;
        private readonly ReadAt _read;
        private readonly List<byte[]> _digests = [];
        private readonly BlockingCollection<(long Start, int Size)>? _queue;
        private readonly Thread? _thread;
        private Exception? _failure;
        /// <summary>Set when the output is abandoned: the pieces still queued are not worth hashing.</summary>
        private volatile bool _abandoned;
        private long _queuedEnd;

        internal Hasher(BuildIdStamp stamp, ReadAt read, bool inBackground)
        {
            _stamp = stamp;
            _read = read;
            if (!inBackground)
                return;
            _queue = new BlockingCollection<(long, int)>();
            _thread = new Thread(() =>
            {
                try
                {
                    foreach (var (start, size) in _queue.GetConsumingEnumerable())
                    {
                        if (_abandoned)
                            break;
                        _digests.Add(HashPiece(start, size));
                    }
                }
                catch (Exception failure)
                {
                    _failure = failure;
                }
            }) { IsBackground = true, Name = "build-id hash" };
            _thread.Start();
        }

        /// <summary>Where the next whole piece ends: once the output is written (and readable) that far, <see cref="Written"/> has a piece to hash.</summary>
        public long NextPieceEnd => _queuedEnd + PieceSize;

        /// <summary>The output is written, and readable, up to <paramref name="length"/>: every whole piece before it can be hashed.</summary>
        public void Written(long length)
        {
            while (_queuedEnd + PieceSize <= length)
                Queue(PieceSize);
        }

        /// <summary>The output is <paramref name="length"/> bytes, all written: its build-id.</summary>
        public byte[] Finish(long length)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, _queuedEnd);
            Written(length);
            if (length > _queuedEnd)
                Queue((int)(length - _queuedEnd));
            if (_queue is not null)
            {
                _queue.CompleteAdding();
                _thread!.Join();
                if (_failure is not null)
                    throw new IOException($"hashing the output for its build-id failed: {_failure.Message}", _failure);
            }
            var digests = new byte[_digests.Count * SHA256.HashSizeInBytes];
            for (int i = 0; i < _digests.Count; i++)
                _digests[i].CopyTo(digests, i * SHA256.HashSizeInBytes);
            return _stamp.Extend(SHA256.HashData(digests));
        }

        private void Queue(int size)
        {
            if (_queue is not null)
                _queue.Add((_queuedEnd, size));
            else
                _digests.Add(HashPiece(_queuedEnd, size));
            _queuedEnd += size;
        }

        private byte[] HashPiece(long start, int size)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var bytes = buffer.AsSpan(0, size);
                _read(start, bytes);
                _stamp.ClearDescriptor(bytes, (ulong)start);
                return SHA256.HashData(bytes);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Stops the hashing thread of an output abandoned before <see cref="Finish"/>.</summary>
        public void Dispose()
        {
            if (_queue is null || _queue.IsAddingCompleted)
                return;
            _abandoned = true;
            _queue.CompleteAdding();
            _thread!.Join();
        }
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
