using System.Buffers;
using System.Runtime.InteropServices;

namespace Rewriter.Common.Spooling;

/// <summary>
/// Bytes kept in a <see cref="SpoolFile"/>, handed around as <see cref="ReadOnlyMemory{T}"/> like
/// any other chunk. A writer that knows them copies them in pieces (<see cref="CopyTo"/>); any
/// other reader gets them read into memory once, on first use.
/// </summary>
public sealed class SpooledBytes : MemoryManager<byte>
{
    private readonly SpoolFile _spool;
    private readonly long _offset;
    private readonly int _length;
    private byte[]? _loaded;

    internal SpooledBytes(SpoolFile spool, long offset, int length) => (_spool, _offset, _length) = (spool, offset, length);

    /// <summary>The bytes as a chunk (<see cref="MemoryManager{T}.Memory"/> would read them in to learn their length).</summary>
    internal ReadOnlyMemory<byte> Chunk => CreateMemory(_length);

    /// <summary>Copies a chunk through <paramref name="buffer"/> to <paramref name="write"/> when it is spooled, without reading it all into memory; false for any other chunk.</summary>
    public static bool CopyTo(ReadOnlyMemory<byte> chunk, byte[] buffer, Action<ReadOnlySpan<byte>> write)
    {
        if (!MemoryMarshal.TryGetMemoryManager(chunk, out SpooledBytes? spooled, out int start, out int length) || spooled._loaded is not null)
            return false;
        for (int done = 0; done < length;)
        {
            int piece = Math.Min(buffer.Length, length - done);
            spooled._spool.Read(spooled._offset + start + done, buffer.AsSpan(0, piece));
            write(buffer.AsSpan(0, piece));
            done += piece;
        }
        return true;
    }

    public override Span<byte> GetSpan() => Loaded();

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(Loaded(), GCHandleType.Pinned);
        unsafe
        {
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle, this);
        }
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }

    private byte[] Loaded()
    {
        if (Volatile.Read(ref _loaded) is { } loaded)
            return loaded;
        var bytes = new byte[_length];
        _spool.Read(_offset, bytes);
        return Interlocked.CompareExchange(ref _loaded, bytes, null) ?? bytes;
    }
}
