using System.Buffers;
using System.Buffers.Binary;
using Rewriter.Common;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// A growable little-endian byte buffer with reserved slots patched later (unit lengths,
/// references whose targets are placed afterwards). Single-threaded; one per output piece.
/// </summary>
public sealed class ByteWriter
{
    private byte[] _bytes;

    public ByteWriter(int capacity = 256) => _bytes = new byte[Math.Max(16, capacity)];

    /// <summary>The array the pool lent, while it is still the storage (a regrown writer has a new one).</summary>
    private byte[]? _pooled;

    private ByteWriter(byte[] storage) => _bytes = _pooled = storage;

    /// <summary>
    /// A writer whose storage comes from the shared array pool, for a large buffer whose owner
    /// knows when its bytes are no longer read (<see cref="ReturnToPool"/>).
    /// </summary>
    public static ByteWriter FromPool(int capacity) => new(ArrayPool<byte>.Shared.Rent(Math.Max(16, capacity)));

    /// <summary>
    /// Gives the storage back to the pool: the writer is empty afterwards. Only for a writer from
    /// <see cref="FromPool"/>, by its one owner, once nothing reads what it wrote.
    /// </summary>
    public void ReturnToPool()
    {
        var storage = _bytes;
        _bytes = [];
        Position = 0;
        if (ReferenceEquals(storage, _pooled))
            ArrayPool<byte>.Shared.Return(storage);
        _pooled = null;
    }

    public int Position { get; private set; }

    /// <summary>Forgets what was written, keeping the storage (for scratch buffers).</summary>
    public void Clear() => Position = 0;

    public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, Position);
    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, Position);

    private Span<byte> Grow(int count)
    {
        var span = Room(count)[..count];
        Position += count;
        return span;
    }

    /// <summary>At least <paramref name="count"/> writable bytes at the position, which stays where it is.</summary>
    private Span<byte> Room(int count)
    {
        if (Position + count > _bytes.Length)
            Regrow(Math.Max(_bytes.Length * 2, Position + count));
        return _bytes.AsSpan(Position);
    }

    // A pooled writer regrows from the pool and gives the old array back, so an estimate too low
    // costs a copy but leaves no garbage behind.
    private void Regrow(int size)
    {
        if (_pooled is null)
        {
            Array.Resize(ref _bytes, size);
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(size);
        _bytes.AsSpan(0, Position).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_pooled);
        _bytes = _pooled = grown;
    }

    public void WriteU8(byte value) => Grow(1)[0] = value;
    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);
    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);
    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>An unsigned value of 1, 2, 4 or 8 bytes.</summary>
    public void WriteUnsigned(ulong value, int size)
    {
        switch (size)
        {
            case 1: WriteU8((byte)value); break;
            case 2: WriteU16((ushort)value); break;
            case 4: WriteU32((uint)value); break;
            case 8: WriteU64(value); break;
            default: throw new ArgumentOutOfRangeException(nameof(size), size, "not a field size");
        }
    }

    public void WriteUleb(ulong value) => Position += Leb128.WriteUnsigned(Room(Leb128.MaxSize), value);

    public void WriteSleb(long value) => Position += Leb128.WriteSigned(Room(Leb128.MaxSize), value);

    /// <summary>A ULEB128 of exactly <paramref name="width"/> bytes (redundant continuation bytes), patched later.</summary>
    public void WritePaddedUleb(ulong value, int width) => PatchPaddedUleb(Reserve(width), value, width);

    /// <summary>Reserves <paramref name="size"/> zero bytes and returns their position.</summary>
    public int Reserve(int size)
    {
        int at = Position;
        Grow(size).Clear();
        return at;
    }

    public void Patch(int position, ulong value, int size)
    {
        var span = _bytes.AsSpan(position, size);
        switch (size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); break;
            case 8: BinaryPrimitives.WriteUInt64LittleEndian(span, value); break;
            default: throw new ArgumentOutOfRangeException(nameof(size), size, "not a field size");
        }
    }

    public ulong Read(int position, int size) => size switch
    {
        1 => _bytes[position],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(position)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(position)),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(position)),
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    public void PatchPaddedUleb(int position, ulong value, int width)
    {
        if (Leb128.UnsignedSize(value) > width)
            throw new InvalidOperationException($"0x{value:x} does not fit a {width}-byte ULEB128");
        Leb128.WriteUnsigned(_bytes.AsSpan(position, width), value, width);
    }
}
