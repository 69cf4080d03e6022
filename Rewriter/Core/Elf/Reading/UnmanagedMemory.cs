using System.Buffers;
using Rewriter.Common.Spooling;

namespace Rewriter.Elf.Reading;

/// <summary>Lets a mapped region be handed out as <see cref="ReadOnlyMemory{T}"/> without a copy.</summary>
internal sealed unsafe class UnmanagedMemory(byte* pointer, int length) : MemoryManager<byte>, IReleasablePages
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin() { }

    /// <summary>The region is a read-only file mapping: dropped pages come back from the file.</summary>
    public void ReleasePages(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, length);
        MappedPages.DropPages(pointer + start, count);
    }

    protected override void Dispose(bool disposing) { }
}
