using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Tests.EhFrame;

/// <summary>Every LSDA of real C++ programs parses, stays inside its function and round-trips.</summary>
public class LsdaRealProgramTests
{
    public static TheoryData<string, string> Programs => new()
    {
        { "clang++-22", "-O0" },
        { "clang++-22", "-O2" },
        { "clang++-22", "-Os" },
        { "clang++-22", "-O2 -fno-pie -no-pie" },
        { "g++", "-O0" },
        { "g++", "-O2" },
        { "g++", "-O2 -fno-pie -no-pie" },
        { "g++", "-O2 -static" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_lsda_parses_inside_its_function_and_round_trips(string compiler, string flags)
    {
        string path = EhFramePrograms.BuildCpp(compiler, flags);
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf).ShouldNotBeNull();
        var withLsda = frame.Fdes.Where(f => f.Lsda.HasValue).ToList();
        withLsda.Count.ShouldBeGreaterThanOrEqualTo(6);
        foreach (var fde in withLsda)
        {
            var lsda = LsdaReader.Read(elf, fde);
            string where = $"LSDA 0x{lsda.Address:x} of [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})";
            lsda.Problems.ShouldBe(LsdaProblems.None, where);
            foreach (var callSite in lsda.CallSites)
            {
                callSite.Start.ShouldBeGreaterThanOrEqualTo(fde.PcBegin, where);
                callSite.End.ShouldBeLessThanOrEqualTo(fde.PcEnd, where);
                if (callSite.LandingPad is ulong pad)
                    pad.ShouldBeInRange(fde.PcBegin, fde.PcEnd - 1, where);
                if (callSite.Action != 0)
                    lsda.Actions.ShouldContain(a => a.Offset == callSite.Action - 1, where);
            }
            foreach (var type in lsda.Types.Where(t => t.Address != 0))
                elf.Sections.ShouldContain(s => s.Header.IsAllocated && type.Address >= s.Header.Address && type.Address < s.Header.Address + s.Header.Size, where);

            // Rebuilt in place with the same call sites, it reads back the same.
            ulong? lpStart = lsda.LandingPadBaseEncoding == PointerEncoding.Omit ? null : lsda.LandingPadBase;
            byte[] bytes = LsdaWriter.Write(lsda, lsda.CallSites, fde.PcBegin, lsda.Address, lpStart);
            var again = LsdaReader.Read(bytes, lsda.Address, "rebuilt", lsda.Address, fde.PcBegin, fde.PcEnd);
            again.CallSites.ShouldBe(lsda.CallSites, where);
            again.Actions.ShouldBe(lsda.Actions, where);
            again.Types.ShouldBe(lsda.Types, where);
            again.ExceptionSpecifications.ToArray().ShouldBe(lsda.ExceptionSpecifications.ToArray(), where);
            var section = elf.Sections.First(s => s.Header.IsAllocated && lsda.Address >= s.Header.Address && lsda.Address < s.Header.Address + s.Header.Size);
            var original = elf.GetRawContents(section).Slice((int)(lsda.Address - section.Header.Address), lsda.Length).ToArray();
            bytes.ShouldBe(original, where);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Handlers_of_the_test_functions_are_where_the_source_says(string compiler, string flags)
    {
        string path = EhFramePrograms.BuildCpp(compiler, flags);
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf)!;
        Lsda LsdaOf(string name) => LsdaReader.Read(elf, ProgramFunctions.Fde(frame, ProgramFunctions.Address(elf, name)));

        // Two try blocks: at least two call sites, two distinct landing pads, both catching a type.
        var twoTries = LsdaOf("two_tries");
        twoTries.CallSites.Count.ShouldBeGreaterThanOrEqualTo(2);
        twoTries.LandingPads.Count().ShouldBeGreaterThanOrEqualTo(2);
        twoTries.Types.Count(t => t.Address != 0).ShouldBeGreaterThanOrEqualTo(2);
        twoTries.Actions.ShouldContain(a => a.TypeFilter > 0);

        // Four typed handlers and catch(...): a null type entry, and four typed ones.
        var manyHandlers = LsdaOf("many_handlers");
        manyHandlers.Types.ShouldContain(t => t.Address == 0);
        manyHandlers.Types.Count(t => t.Address != 0).ShouldBeGreaterThanOrEqualTo(3);

        // catch (...) { throw; }
        LsdaOf("rethrows").Types.ShouldContain(t => t.Address == 0);

        // Destructors only: cleanup landing pads (action 0).
        var destructors = LsdaOf("with_destructors");
        destructors.CallSites.ShouldContain(c => c.LandingPad.HasValue && c.Action == 0);
        destructors.Types.ShouldBeEmpty();

        // throw(int): an exception specification listing one type.
        var onlyInts = LsdaOf("only_ints");
        onlyInts.Actions.ShouldContain(a => a.TypeFilter < 0);
        onlyInts.ExceptionSpecifications.Length.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [InlineData("clang++-22")]
    [InlineData("g++")]
    public void Pushed_stack_arguments_show_up_as_args_size(string compiler)
    {
        string path = EhFramePrograms.BuildCpp(compiler, "-Os");
        using var elf = ElfFile.Open(path);
        var frame = EhFrameReader.Read(elf)!;
        var section = elf.FindSection(".eh_frame")!;
        var table = new CfiInterpreter(elf.GetRawMemory(section), section.Header.Address)
            .Evaluate(ProgramFunctions.Fde(frame, ProgramFunctions.Address(elf, "stack_arguments")));
        table.States.ShouldContain(s => s.ArgsSize > 0);
    }
}
