using Rewriter.Common.Spooling;
using Rewriter.Elf.Reading;

namespace Rewriter.Core.Tests.Common;

/// <summary>
/// The spool holds output out of memory and gives back exactly what went in, by piece or whole;
/// it leaves no file behind. Giving back input pages never changes what the memory reads, and
/// heap memory is never given back (its contents would be lost).
/// </summary>
public sealed class SpoolingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rw-spool-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Spooled_chunks_read_back_whole_in_pieces_and_sliced()
    {
        using var spool = SpoolFile.Create(_directory);
        Directory.GetFileSystemEntries(_directory).ShouldBeEmpty("the spool is unlinked as soon as it is open");
        byte[] first = Pattern(100_000, 1), second = Pattern(3, 2);
        var a = spool.Append(first);
        var b = spool.Append(second);
        spool.Append([]).IsEmpty.ShouldBeTrue();
        spool.Length.ShouldBe(100_003);

        var copied = new List<byte>();
        SpooledBytes.CopyTo(a, new byte[4096], piece => copied.AddRange(piece.ToArray())).ShouldBeTrue();
        copied.ToArray().ShouldBe(first);
        copied.Clear();
        SpooledBytes.CopyTo(a.Slice(10, 5000), new byte[777], piece => copied.AddRange(piece.ToArray())).ShouldBeTrue();
        copied.ToArray().ShouldBe(first[10..5010]);
        b.ToArray().ShouldBe(second);
        a.Span.ToArray().ShouldBe(first);
        SpooledBytes.CopyTo(new byte[] { 1, 2 }, new byte[16], _ => { }).ShouldBeFalse("memory that is not spooled is written by the caller");
    }

    [Fact]
    public void Released_pages_of_a_mapped_file_read_the_same()
    {
        string path = Path.Combine(_directory, "input");
        var contents = Pattern(5 * Environment.SystemPageSize + 123, 3);
        File.WriteAllBytes(path, contents);
        using var file = MappedFile.Open(path);
        file.Memory.ToArray().ShouldBe(contents);
        MappedPages.Release(file.Memory.Slice(17, contents.Length - 40));
        MappedPages.Release(file.Memory);
        file.Memory.ToArray().ShouldBe(contents);
    }

    [Fact]
    public void Heap_memory_is_never_released()
    {
        var contents = Pattern(64 * Environment.SystemPageSize, 4);
        var copy = contents.ToArray();
        MappedPages.Release(contents);
        contents.ShouldBe(copy);
    }
}
