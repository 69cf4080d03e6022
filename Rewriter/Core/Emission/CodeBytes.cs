using Iced.Intel;

namespace Rewriter.Emission;

/// <summary>What every emitter fills gaps in code with: int3, so nothing falls through between functions.</summary>
internal static class CodeBytes
{
    public const byte Padding = 0xCC;

    /// <summary><paramref name="bytes"/> followed by padding up to <paramref name="size"/> (itself when long enough).</summary>
    public static byte[] PadTo(byte[] bytes, int size)
    {
        if (bytes.Length >= size)
            return bytes;
        var padded = new byte[size];
        Array.Fill(padded, Padding);
        bytes.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>A buffer of <paramref name="size"/> bytes of padding.</summary>
    public static byte[] Padded(ulong size)
    {
        var bytes = new byte[size];
        Array.Fill(bytes, Padding);
        return bytes;
    }
}

/// <summary>Collects what Iced's encoders write, in one array that doubles when full.</summary>
internal sealed class ByteWriter(int capacity) : CodeWriter
{
    private byte[] _bytes = new byte[Math.Max(16, capacity)];
    private int _length;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public override void WriteByte(byte value)
    {
        if (_length == _bytes.Length)
            Array.Resize(ref _bytes, _bytes.Length * 2);
        _bytes[_length++] = value;
    }

    public void Reset() => _length = 0;

    public byte[] ToArray() => Written.ToArray();
}
