using Rewriter.Common;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Assembles little-endian DWARF byte fixtures by hand.</summary>
internal sealed class Bytes
{
    private readonly List<byte> _bytes = [];

    public int Position => _bytes.Count;

    public Bytes U8(params int[] values) { foreach (var v in values) _bytes.Add((byte)v); return this; }
    public Bytes U16(int v) => U8(v, v >> 8);
    public Bytes U32(uint v) { for (int i = 0; i < 4; i++) _bytes.Add((byte)(v >> (8 * i))); return this; }
    public Bytes U64(ulong v) { for (int i = 0; i < 8; i++) _bytes.Add((byte)(v >> (8 * i))); return this; }

    public Bytes Uleb(ulong v) { Leb128.AddUnsigned(_bytes, v); return this; }

    public Bytes Sleb(long v) { Leb128.AddSigned(_bytes, v); return this; }

    public Bytes Str(string s) { _bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(s)); _bytes.Add(0); return this; }

    /// <summary>Writes a DWARF32 unit_length placeholder; call <see cref="EndLength"/> with the returned mark.</summary>
    public int BeginLength() { int at = Position; U32(0); return at; }

    public Bytes EndLength(int mark)
    {
        uint length = (uint)(Position - mark - 4);
        for (int i = 0; i < 4; i++) _bytes[mark + i] = (byte)(length >> (8 * i));
        return this;
    }

    /// <summary>Overwrites <paramref name="size"/> bytes at <paramref name="at"/> with <paramref name="value"/> (a length known only later).</summary>
    public Bytes Patch(int at, ulong value, int size)
    {
        for (int i = 0; i < size; i++) _bytes[at + i] = (byte)(value >> (8 * i));
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();
}
