using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Tests.EhFrame;

/// <summary>Corrupted CFI programs and LSDAs fail with input errors, never with crashes or hangs.</summary>
public class EhFrameFuzzTests
{
    [Fact]
    public void Mutated_cfi_programs_either_evaluate_or_raise_input_errors()
    {
        string path = EhFramePrograms.BuildCpp("g++", "-O2");
        using var elf = ElfFile.Open(path);
        var section = elf.FindSection(".eh_frame")!;
        byte[] original = elf.GetRawContents(section).ToArray();
        var frame = EhFrameReader.Read(original, section.Header.Address, ".eh_frame");
        var random = new Random(1234);
        int failures = 0;
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            var fde = frame.Fdes[random.Next(frame.Fdes.Count)];
            if (fde.InstructionsLength == 0)
                continue;
            byte[] mutated = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                mutated[fde.InstructionsOffset + random.Next(fde.InstructionsLength)] = (byte)random.Next(256);
            try
            {
                var table = new CfiInterpreter(mutated, section.Header.Address).Evaluate(fde);
                table.Rows.Count.ShouldBeGreaterThan(0);
            }
            catch (InputFormatException)
            {
                failures++;
            }
        }
        failures.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Mutated_lsdas_either_parse_or_raise_input_errors()
    {
        string path = EhFramePrograms.BuildCpp("clang++-22", "-O2");
        using var elf = ElfFile.Open(path);
        var section = elf.FindSection(".gcc_except_table")!;
        byte[] original = elf.GetRawContents(section).ToArray();
        var fdes = EhFrameReader.Read(elf)!.Fdes.Where(f => f.Lsda.HasValue).ToList();
        var random = new Random(5678);
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            var fde = fdes[random.Next(fdes.Count)];
            byte[] mutated = (byte[])original.Clone();
            int lsdaOffset = (int)(fde.Lsda!.Value - section.Header.Address);
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                int at = Math.Min(mutated.Length - 1, lsdaOffset + random.Next(24));
                mutated[at] = (byte)random.Next(256);
            }
            try
            {
                var lsda = LsdaReader.Read(mutated, section.Header.Address, section.Name, fde.Lsda.Value, fde.PcBegin, fde.PcEnd);
                if (lsda.Problems == LsdaProblems.None && lsda.CallSites.All(c => c.LandingPad != fde.PcBegin))
                    LsdaWriter.Write(lsda, lsda.CallSites, fde.PcBegin, lsda.Address);
            }
            catch (InputFormatException)
            {
            }
        }
    }
}
