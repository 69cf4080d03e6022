using Rewriter.Elf.Writing;

namespace Rewriter.Tests.Elf;

/// <summary>
/// The output's build-id is a hash of the file's pieces, hashed in parallel: the same for any
/// number of threads, blind to the descriptor's own bytes, and changed by any other byte.
/// </summary>
public sealed class BuildIdStampTests
{
    private const int MiB = 1 << 20;

    // 9 MiB and a bit: three pieces, the last short; the descriptor straddles the first boundary.
    private static byte[] File()
    {
        var bytes = new byte[9 * MiB + 123];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static readonly ulong DescriptorOffset = 4 * MiB - 8;

    /// <summary>Reads the file back as a written output would be.</summary>
    private static BuildIdStamp.ReadAt ReaderOf(byte[] file) => (offset, bytes) => file.AsSpan((int)offset, bytes.Length).CopyTo(bytes);

    private static byte[] IdOf(byte[] file, int threads) =>
        new BuildIdStamp(DescriptorOffset, [.. Enumerable.Range(1, 20).Select(i => (byte)i)]).Compute(file.Length, ReaderOf(file), threads);

    [Fact]
    public void The_id_is_the_same_for_every_thread_count()
    {
        var file = File();
        var one = IdOf(file, 1);
        one.Length.ShouldBe(20);
        IdOf(file, 2).ShouldBe(one);
        IdOf(file, 8).ShouldBe(one);
    }

    [Fact]
    public void The_descriptor_bytes_do_not_count_and_every_other_byte_does()
    {
        var file = File();
        var id = IdOf(file, 2);
        file[(int)DescriptorOffset + 10] ^= 0xff; // inside the descriptor, past the piece boundary
        IdOf(file, 2).ShouldBe(id);
        foreach (int at in new[] { 0, (int)DescriptorOffset - 1, (int)DescriptorOffset + 20, 8 * MiB, file.Length - 1 })
        {
            var changed = (byte[])file.Clone();
            changed[at] ^= 1;
            IdOf(changed, 2).ShouldNotBe(id, $"byte {at}");
        }
    }

    [Fact]
    public void Hashing_beside_the_writer_gives_the_id_of_the_whole_file()
    {
        var file = File();
        var stamp = new BuildIdStamp(DescriptorOffset, new byte[20]);
        var whole = stamp.Compute(file.Length, ReaderOf(file), 1);
        foreach (int threads in new[] { 1, 2 })
        {
            using var hasher = stamp.Start(ReaderOf(file), threads);
            foreach (long written in new long[] { 3 * MiB, 4 * MiB, 4 * MiB + 1, 8 * MiB + 5 })
                hasher.Written(written); // as a writer reports its progress
            hasher.Finish(file.Length).ShouldBe(whole, $"{threads} threads");
        }
    }
}
