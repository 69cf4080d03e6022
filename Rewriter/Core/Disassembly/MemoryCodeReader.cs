using Iced.Intel;

namespace Rewriter.Disassembly;

/// <summary>Feeds Iced's decoder straight from the mapped image, without copying function bytes.</summary>
internal sealed class MemoryCodeReader(ReadOnlyMemory<byte> code) : CodeReader
{
    private int _position;

    public int Position
    {
        get => _position;
        set => _position = value;
    }

    public override int ReadByte() => _position < code.Length ? code.Span[_position++] : -1;
}
