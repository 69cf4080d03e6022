using System.Buffers;
using System.Runtime.InteropServices;

namespace Rewriter.Common.Spooling;

/// <summary>Memory that views a mapped input file, whose pages the kernel can drop and read again on the next touch.</summary>
public interface IReleasablePages
{
    /// <summary>Gives back the whole pages inside [start, start + length) of this memory.</summary>
    void ReleasePages(int start, int length);
}

/// <summary>
/// Drops the resident pages of input the process is done with (the debug update's finished
/// units), so its peak memory does not hold the whole input's debug sections. Memory that is not
/// a file mapping is left alone: dropping heap pages would lose their contents.
/// </summary>
public static class MappedPages
{
    public static void Release(ReadOnlyMemory<byte> memory)
    {
        if (!memory.IsEmpty && MemoryMarshal.TryGetMemoryManager(memory, out MemoryManager<byte>? manager, out int start, out int length)
            && manager is IReleasablePages pages)
            pages.ReleasePages(start, length);
    }

    /// <summary>madvise(MADV_DONTNEED) on the whole pages inside the range: for a file mapping they are read again from the file when touched.</summary>
    public static unsafe void DropPages(byte* start, long length)
    {
        long pageSize = Environment.SystemPageSize;
        long first = ((long)start + pageSize - 1) / pageSize * pageSize, end = ((long)start + length) / pageSize * pageSize;
        if (end > first && OperatingSystem.IsLinux())
            _ = madvise((void*)first, (nuint)(end - first), MadviseDontNeed);
    }

    private const int MadviseDontNeed = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int madvise(void* address, nuint length, int advice);
}
