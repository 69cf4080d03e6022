using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Tests.EhFrame;

/// <summary>Every FDE of real programs evaluates to the rows llvm-dwarfdump-22 prints.</summary>
public class CfiRealProgramTests
{
    public static TheoryData<string, string, bool> Programs => new()
    {
        { "clang-22", "-O0", false },
        { "clang-22", "-O2", false },
        { "clang-22", "-O2 -fno-omit-frame-pointer -fno-pie -no-pie", false },
        { "gcc", "-O0", false },
        { "gcc", "-O2", false },
        { "gcc", "-O2 -static", false }, // glibc's hand-written CFI too
        { "clang++-22", "-O0", true },
        { "clang++-22", "-O2", true },
        { "g++", "-O0", true },
        { "g++", "-O2", true },
        { "clang++-22", "-Os", true }, // DW_CFA_GNU_args_size
        { "g++", "-Os", true },
        { "g++", "-O2 -static", true }, // libstdc++ and libgcc unwinder
    };

    private static string Build(string compiler, string flags, bool cpp) =>
        cpp ? EhFramePrograms.BuildCpp(compiler, flags) : EhFramePrograms.BuildC(compiler, flags);

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_fde_evaluates_to_the_rows_dwarfdump_prints(string compiler, string flags, bool cpp)
    {
        string path = Build(compiler, flags, cpp);
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf).ShouldNotBeNull();
        var section = elf.FindSection(".eh_frame")!;
        var interpreter = new CfiInterpreter(elf.GetRawMemory(section), section.Header.Address);
        var expected = EhFramePrograms.DwarfdumpRows(path);

        expected.Count.ShouldBe(frame.Fdes.Count);
        frame.Fdes.Count.ShouldBeGreaterThan(cpp ? 5 : 3);
        int rowsCompared = 0;
        foreach (var fde in frame.Fdes)
        {
            var table = interpreter.Evaluate(fde);
            table.HasRowsPastEnd.ShouldBeFalse();
            var dumped = expected[fde.Offset].Where((row, i) => i == 0 || row.Address < fde.PcEnd);
            var ours = table.Rows.Select(r => (r.Address, EhFramePrograms.Render(table.States[r.StateIndex])));
            EhFramePrograms.Canonical(ours).ShouldBe(EhFramePrograms.Canonical(dumped), $"FDE at 0x{fde.Offset:x} [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})");
            rowsCompared += table.Rows.Count;
        }
        rowsCompared.ShouldBeGreaterThan(frame.Fdes.Count);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_fde_replays_from_its_transitions(string compiler, string flags, bool cpp)
    {
        string path = Build(compiler, flags, cpp);
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf).ShouldNotBeNull();
        var section = elf.FindSection(".eh_frame")!;
        var interpreter = new CfiInterpreter(elf.GetRawMemory(section), section.Header.Address);
        foreach (var fde in frame.Fdes)
            CfiRoundTrip.AssertReplayGivesSameRows(interpreter.Evaluate(fde), CfiEncoding.Of(fde.Cie));
        frame.Fdes.ShouldAllBe(f => interpreter.Evaluate(f).Encoding == CfiEncoding.Of(f.Cie));
    }

    [Fact]
    public void Frame_pointer_functions_switch_the_cfa_to_rbp()
    {
        string path = EhFramePrograms.BuildC("gcc", "-O0");
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf)!;
        var section = elf.FindSection(".eh_frame")!;
        var interpreter = new CfiInterpreter(elf.GetRawMemory(section), section.Header.Address);
        var symbols = SymbolTable.Find(elf, ".symtab")!;
        ulong main = Enumerable.Range(0, symbols.Count).Select(i => symbols[i]).Single(s => symbols.GetName(s) == "main").Value;
        var table = interpreter.Evaluate(frame.Fdes.Single(f => f.PcBegin == main));
        // push rbp; mov rsp,rbp; ...; leave; ret
        table.States.ShouldContain(s => s.Cfa == CfaRule.RegisterPlus(CfiRegisterNames.Rbp, 16));
        table.StateAt(main).Cfa.ShouldBe(CfaRule.RegisterPlus(CfiRegisterNames.Rsp, 8));
        table.StateAt(main + 1).RuleFor(CfiRegisterNames.Rbp).ShouldBe(CfiRule.AtCfaOffset(-16));
    }
}
