using Rewriter.DebugUpdate.Frames;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Verification;
using static Rewriter.DebugUpdate.Tests.Frames.DebugFrameFixture;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>
/// verify-debug's .debug_frame check on the hand-assembled section and its layout: the rewrite
/// passes; a stale section, a wrong rule in a cold fragment and a missing fragment are reported.
/// </summary>
public sealed class CallFrameComparerTests
{
    private static DebugSections Frames(ReadOnlyMemory<byte> bytes) => new() { [DebugFrameRewriter.SectionName] = bytes };

    private static VerificationReport Compare(ReadOnlyMemory<byte> rewritten)
    {
        var report = new VerificationReport();
        CallFrameComparer.Compare(Frames(Section()), Frames(rewritten), Map(), report);
        return report;
    }

    private static byte[] Rewrite(byte[] input) => DebugFrameRewriter.Rewrite(input, Map()).Section!.Value.ToArray();

    [Fact]
    public void The_rewritten_section_has_no_difference()
    {
        var report = Compare(Rewrite(Section()));
        report.HasDifferences.ShouldBeFalse(report.ToString());
        report.CallFrameRowsCompared.ShouldBeGreaterThan(4);
    }

    [Fact]
    public void A_stale_section_is_reported_at_the_moved_function_and_as_extra_at_its_old_place()
    {
        var report = Compare(Section());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.CallFrame && d.Path == ".debug_frame FDE [0x1000, 0x1010)"
            && d.Message.StartsWith("no FDE covers 0x9000 in the output (original 0x1000)"), report.ToString());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.Extra && d.Message.Contains("old place of moved code"), report.ToString());
        report.Differences.ShouldNotContain(d => d.Path.Contains("0x2000"), report.ToString());
    }

    [Fact]
    public void A_wrong_rule_in_the_cold_fragment_is_reported_with_both_states()
    {
        // f's program with the CFA after the pop left at rsp+16: only the cold fragment's instruction differs.
        var wrong = Rewrite(Section(fProgram: [AdvanceLoc | 5, DefCfaOffset, 16, Offset | Rbp, 2, AdvanceLoc | 7, DefCfaOffset, 16]));
        var report = Compare(wrong);
        var difference = report.Differences.ShouldHaveSingleItem(report.ToString());
        difference.Kind.ShouldBe(DifferenceKind.CallFrame);
        difference.Message.ShouldBe("CFA=RSP+16: RBP=[CFA-16], RIP=[CFA-8] at 0xa000 in the output, expected CFA=RSP+8: RBP=[CFA-16], RIP=[CFA-8] (original 0x100c)");
    }

    [Fact]
    public void A_missing_section_is_reported()
    {
        var report = Compare(ReadOnlyMemory<byte>.Empty);
        report.Differences.ShouldHaveSingleItem().Path.ShouldBe(".debug_frame");
    }
}
