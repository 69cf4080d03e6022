using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Elf;

/// <summary>The identity rewrite keeps the loaded image and moves only what it should.</summary>
public class ElfWriterTests
{
    [Theory]
    [InlineData("-O2 -g", false)]
    [InlineData("-O2 -g", true)]
    [InlineData("-O0 -g -no-pie -Wl,--emit-relocs", true)]
    [InlineData("-O2 -g -static", true)]
    public void Identity_rewrite_keeps_loaded_bytes_and_behaviour(string flags, bool newSegment)
    {
        string input = TestPrograms.Hello(flags);
        string output = TestPrograms.TempPath("identity");
        var args = new List<string> { input, "-o", output };
        if (newSegment)
            args.Add("--force-new-segment");
        CliRunner.Run([.. args]).ExitCode.ShouldBe(0);

        using var before = ElfFile.Open(input);
        using var after = ElfFile.Open(output);
        // Every allocated section is at the same offset and address with the same bytes.
        foreach (var section in before.Sections.Where(s => s.Header.IsAllocated))
        {
            var rewritten = after.Sections[section.Index];
            rewritten.Name.ShouldBe(section.Name);
            rewritten.Header.ShouldBe(section.Header);
            after.GetRawContents(rewritten).SequenceEqual(before.GetRawContents(section)).ShouldBeTrue(section.Name);
        }
        // Non-allocated sections keep their bytes wherever they went.
        foreach (var section in before.Sections.Where(s => !s.Header.IsAllocated && s.Index > 0))
            after.GetRawContents(after.Sections[section.Index]).SequenceEqual(before.GetRawContents(section)).ShouldBeTrue(section.Name);

        after.Segments.Count.ShouldBe(before.Segments.Count + (newSegment ? 1 : 0));
        if (newSegment)
        {
            var load = after.Segments.Last(s => s.Type == SegmentType.Load);
            load.Offset.ShouldBe(after.Header.ProgramHeaderOffset);
            (load.VirtualAddress - load.Offset).ShouldBe(before.Segments.First(s => s.Type == SegmentType.Load) is var first ? first.VirtualAddress - first.Offset : 0);
            (load.Offset % load.Alignment).ShouldBe(load.VirtualAddress % load.Alignment);
            load.VirtualAddress.ShouldBeGreaterThanOrEqualTo(before.Segments.Where(s => s.Type == SegmentType.Load).Max(s => s.MemoryEnd));
            if (after.Segments.FirstOrDefault(s => s.Type == SegmentType.Phdr) is { Type: SegmentType.Phdr } phdr)
            {
                phdr.VirtualAddress.ShouldBe(load.VirtualAddress);
                phdr.FileSize.ShouldBe((ulong)after.Segments.Count * ProgramHeader.Size);
            }
        }

        var original = TestPrograms.Run(input, "a b", check: false);
        var rewrittenRun = TestPrograms.Run(output, "a b", check: false);
        rewrittenRun.ShouldBe(original);
        TestPrograms.Run("llvm-readelf-22", $"-a {output}").Stderr.ShouldBeEmpty();
        File.GetUnixFileMode(output).ShouldBe(File.GetUnixFileMode(input));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        string input = TestPrograms.Hello();
        string first = TestPrograms.TempPath("det1"), second = TestPrograms.TempPath("det2");
        CliRunner.Run(input, "-o", first, "--force-new-segment").ExitCode.ShouldBe(0);
        CliRunner.Run(input, "-o", second, "--force-new-segment").ExitCode.ShouldBe(0);
        File.ReadAllBytes(first).ShouldBe(File.ReadAllBytes(second));
    }
}
