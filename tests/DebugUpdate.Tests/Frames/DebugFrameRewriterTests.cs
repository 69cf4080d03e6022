using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Frames;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.CallFrames;
using static Rewriter.DebugUpdate.Tests.Frames.DebugFrameFixture;

namespace Rewriter.DebugUpdate.Tests.Frames;

/// <summary>
/// .debug_frame for the new layout: a moved function's FDE becomes one per fragment with the
/// state of each input instruction at its output address, code that stayed keeps its FDE byte for
/// byte, and what cannot be rewritten makes the section go with the reason.
/// </summary>
public sealed class DebugFrameRewriterTests
{
    private static DebugFrameTables Rewritten(byte[] input, CodeAddressMap? map = null)
    {
        var (section, problem) = DebugFrameRewriter.Rewrite(input, map ?? Map());
        problem.ShouldBeNull();
        return DebugFrameTables.Read(section!.Value);
    }

    private static IEnumerable<(ulong, ulong)> Ranges(DebugFrameTables tables) => tables.Fdes.Select(f => (f.PcBegin, f.PcEnd));

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    public void A_moved_function_gets_one_FDE_per_fragment_with_each_instruction_s_input_state(byte version, bool dwarf64)
    {
        var input = Section(version, dwarf64);
        var before = DebugFrameTables.Read(input);
        var after = Rewritten(input);

        Ranges(after).ShouldBe([(0x2000, 0x2008), (0x9000, 0x900e), (0xa000, 0xa004)]);
        after.Fdes.ShouldAllBe(f => f.IsDwarf64 == dwarf64);
        foreach (var (output, original) in new (ulong, ulong)[] { (0x9000, 0x1000), (0x9007, 0x1005), (0x900a, 0x1008), (0xa000, 0x100c), (0x2000, 0x2000), (0x2001, 0x2001) })
            after.StateAt(output).ShouldBe(before.StateAt(original), $"at 0x{output:x} (original 0x{original:x})");
        before.StateAt(0x1005).ShouldNotBe(before.StateAt(0x1000));
        before.StateAt(0x100c).ShouldNotBe(before.StateAt(0x1008));
    }

    [Fact]
    public void A_jump_the_layout_added_runs_with_the_state_its_predecessor_leaves()
    {
        var after = Rewritten(Section());
        // 0x9005..0x9007 is the jump added after the instruction at 0x1000: the push has happened.
        after.StateAt(0x9005).ShouldBe(DebugFrameTables.Read(Section()).StateAt(0x1005));
    }

    [Fact]
    public void Nothing_moved_keeps_the_section_byte_for_byte()
    {
        var input = Section();
        var (section, problem) = DebugFrameRewriter.Rewrite(input, CodeAddressMap.Identity);
        problem.ShouldBeNull();
        section!.Value.ToArray().ShouldBe(input);
    }

    [Fact]
    public void The_FDE_of_a_function_whose_code_is_gone_is_dropped()
    {
        // Every instruction of f was dropped: no bytes of its own in either fragment.
        var map = new CodeAddressMap([0x1000, 0x1005, 0x1008, 0x100c], [0x9000, 0x9000, 0x9000, 0x9000], [0x9000, 0x9000, 0x9000, 0x9000],
            [new CodeAddressMap.Fragment(0x1000, 0x1010, 0x9000, 0)]);
        Ranges(Rewritten(Section(), map)).ShouldBe([(0x2000, 0x2008)]);
    }

    [Fact]
    public void DW_CFA_set_loc_in_moved_code_cannot_be_rewritten()
    {
        byte[] program = [SetLoc, 0x05, 0x10, 0, 0, 0, 0, 0, 0, DefCfaOffset, 16];
        var (section, problem) = DebugFrameRewriter.Rewrite(Section(fProgram: program), Map());
        section.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("DW_CFA_set_loc");
    }

    [Fact]
    public void DW_CFA_set_loc_in_code_that_stayed_is_kept()
    {
        // f's FDE with set_loc, but the layout moves nothing: its absolute address still holds.
        byte[] program = [SetLoc, 0x05, 0x10, 0, 0, 0, 0, 0, 0, DefCfaOffset, 16];
        var input = Section(fProgram: program);
        var (section, problem) = DebugFrameRewriter.Rewrite(input, CodeAddressMap.Identity);
        problem.ShouldBeNull();
        section!.Value.ToArray().ShouldBe(input);
    }

    [Fact]
    public void An_unknown_augmentation_cannot_be_rewritten()
    {
        var (section, problem) = DebugFrameRewriter.Rewrite(Section(augmentation: "zR"), Map());
        section.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("augmentation 'zR'");
    }

    [Fact]
    public void An_FDE_covering_part_of_a_moved_function_cannot_be_rewritten()
    {
        // The map says f is [0x1000, 0x100c): the FDE's [0x1000, 0x1010) reaches past it.
        var map = new CodeAddressMap([0x1000, 0x1005, 0x1008], [0x9000, 0x9007, 0x900a], [0x9005, 0x900a, 0x900e],
            [new CodeAddressMap.Fragment(0x1000, 0x100c, 0x9000, 0xe)]);
        var (section, problem) = DebugFrameRewriter.Rewrite(Section(), map);
        section.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("does not describe one moved function");
    }

    [Fact]
    public void Two_FDEs_for_one_moved_function_cannot_be_rewritten()
    {
        var (section, problem) = DebugFrameRewriter.Rewrite(Section(fTwice: true), Map());
        section.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("a second one for the moved function at 0x1000");
    }

    private static DebugSections WithMinimalUnit(byte[] debugFrame)
    {
        var abbrev = new Bytes().Uleb(1).Uleb((ulong)DwTag.CompileUnit).U8(0).U8(0, 0).U8(0);
        var info = new Bytes();
        int length = info.BeginLength();
        info.U16(4).U32(0).U8(8).Uleb(1);
        info.EndLength(length);
        return new DebugSections
        {
            [DebugSectionNames.Info] = info.ToArray(),
            [DebugSectionNames.Abbrev] = abbrev.ToArray(),
            [DebugFrameRewriter.SectionName] = debugFrame,
        };
    }

    [Fact]
    public void The_debug_update_rebuilds_debug_frame_or_drops_it_with_one_warning_saying_why()
    {
        var rebuilt = DebugUpdater.Update(WithMinimalUnit(Section()), Map(), new DebugUpdateOptions { ThreadCount = 1 });
        rebuilt.Sections.Keys.ShouldContain(DebugFrameRewriter.SectionName);
        rebuilt.DroppedSections.ShouldNotContain(DebugFrameRewriter.SectionName);
        rebuilt.Warnings.ShouldNotContain(w => w.Contains(".debug_frame"));

        var dropped = DebugUpdater.Update(WithMinimalUnit(Section(augmentation: "zR")), Map(), new DebugUpdateOptions { ThreadCount = 1 });
        dropped.Sections.Keys.ShouldNotContain(DebugFrameRewriter.SectionName);
        dropped.DroppedSections.ShouldContain(DebugFrameRewriter.SectionName);
        dropped.Warnings.Where(w => w.Contains(".debug_frame")).ShouldHaveSingleItem().ShouldContain("augmentation 'zR'");
    }

    [Fact]
    public void Without_debug_info_only_debug_frame_is_rebuilt()
    {
        var result = DebugUpdater.Update(new DebugSections { [DebugFrameRewriter.SectionName] = Section() }, Map(), new DebugUpdateOptions { ThreadCount = 1 });
        result.Sections.Keys.ShouldBe([DebugFrameRewriter.SectionName]);
        result.DroppedSections.ShouldBeEmpty();
    }
}
