using System.Buffers;

namespace Rewriter.Elf.Reading;

/// <summary>Lets a mapped region be handed out as <see cref="ReadOnlyMemory{T}"/> without a copy.</summary>
internal sealed unsafe class UnmanagedMemory(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
