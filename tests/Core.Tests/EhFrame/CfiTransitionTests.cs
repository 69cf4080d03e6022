using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;

namespace Rewriter.Tests.EhFrame;

/// <summary>The writer's opcode choices, the minimal transitions, and evaluate(encode(x)) == x.</summary>
public class CfiTransitionTests
{
    private static readonly CfiEncoding X86 = new(1, -8);
    private const uint Rbx = 3, Rbp = 6, Rsp = 7, R12 = 12, Rip = 16;
    private static readonly CfiState Cie = CfiState.Create(CfaRule.RegisterPlus(Rsp, 8), [new(Rip, CfiRule.AtCfaOffset(-8))]);

    private static CfiState With(CfaRule cfa, params CfiRegisterRule[] extra) =>
        CfiState.Create(cfa, [new(Rip, CfiRule.AtCfaOffset(-8)), .. extra]);

    [Theory]
    [InlineData(CfiInstructionKind.Offset, 3u, -24L, new byte[] { 0x83, 0x03 })]
    [InlineData(CfiInstructionKind.Offset, 100u, -8L, new byte[] { 0x05, 0x64, 0x01 })]
    [InlineData(CfiInstructionKind.Offset, 3u, 8L, new byte[] { 0x11, 0x03, 0x7f })]
    [InlineData(CfiInstructionKind.ValOffset, 3u, -16L, new byte[] { 0x14, 0x03, 0x02 })]
    [InlineData(CfiInstructionKind.ValOffset, 3u, 16L, new byte[] { 0x15, 0x03, 0x7e })]
    [InlineData(CfiInstructionKind.Restore, 6u, 0L, new byte[] { 0xc6 })]
    [InlineData(CfiInstructionKind.Restore, 100u, 0L, new byte[] { 0x06, 0x64 })]
    [InlineData(CfiInstructionKind.DefCfa, 7u, 8L, new byte[] { 0x0c, 0x07, 0x08 })]
    [InlineData(CfiInstructionKind.DefCfa, 7u, -8L, new byte[] { 0x12, 0x07, 0x01 })]
    [InlineData(CfiInstructionKind.DefCfa, 7u, 1024L, new byte[] { 0x0c, 0x07, 0x80, 0x08 })]
    [InlineData(CfiInstructionKind.DefCfa, 7u, 16384L, new byte[] { 0x12, 0x07, 0x80, 0x70 })]
    [InlineData(CfiInstructionKind.DefCfaOffset, 0u, 16L, new byte[] { 0x0e, 0x10 })]
    [InlineData(CfiInstructionKind.DefCfaOffset, 0u, -16L, new byte[] { 0x13, 0x02 })]
    [InlineData(CfiInstructionKind.DefCfaRegister, 6u, 0L, new byte[] { 0x0d, 0x06 })]
    [InlineData(CfiInstructionKind.Undefined, 16u, 0L, new byte[] { 0x07, 0x10 })]
    [InlineData(CfiInstructionKind.SameValue, 3u, 0L, new byte[] { 0x08, 0x03 })]
    [InlineData(CfiInstructionKind.RememberState, 0u, 0L, new byte[] { 0x0a })]
    [InlineData(CfiInstructionKind.RestoreState, 0u, 0L, new byte[] { 0x0b })]
    [InlineData(CfiInstructionKind.Nop, 0u, 0L, new byte[] { 0x00 })]
    public void Writer_picks_the_shortest_form(CfiInstructionKind kind, uint register, long offset, byte[] expected)
    {
        var instruction = new CfiInstruction(kind, register, offset);
        CfiWriter.Encode([instruction], X86).ShouldBe(expected);
        CfiWriter.SizeOf(instruction, X86).ShouldBe(expected.Length);
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x40 })]
    [InlineData(63UL, new byte[] { 0x7f })]
    [InlineData(64UL, new byte[] { 0x02, 0x40 })]
    [InlineData(0x100UL, new byte[] { 0x03, 0x00, 0x01 })]
    [InlineData(0x10000UL, new byte[] { 0x04, 0x00, 0x00, 0x01, 0x00 })]
    [InlineData(0x100000000UL, new byte[] { 0x04, 0xff, 0xff, 0xff, 0xff, 0x41 })]
    public void Advances_use_the_smallest_form(ulong bytes, byte[] expected)
    {
        CfiWriter.Encode([CfiInstruction.AdvanceLoc(bytes)], X86).ShouldBe(expected);
        CfiWriter.SizeOf(CfiInstruction.AdvanceLoc(bytes), X86).ShouldBe(expected.Length);
    }

    [Fact]
    public void Writer_rejects_what_the_factors_cannot_express()
    {
        Should.Throw<ArgumentException>(() => CfiWriter.Encode([CfiInstruction.OffsetRule(Rbx, -12)], X86));
        Should.Throw<ArgumentException>(() => CfiWriter.Encode([CfiInstruction.AdvanceLoc(3)], new CfiEncoding(2, -8)));
        Should.Throw<ArgumentException>(() => CfiWriter.Encode([CfiInstruction.SetLoc(0x1000)], X86));
        CfiWriter.SizeOf(CfiInstruction.DefCfaOffset(-12), X86).ShouldBe(-1);
    }

    [Fact]
    public void Decoding_what_was_encoded_gives_the_instructions_back()
    {
        CfiInstruction[] program =
        [
            CfiInstruction.DefCfa(Rsp, 16), CfiInstruction.AdvanceLoc(5), CfiInstruction.DefCfaOffset(24),
            CfiInstruction.DefCfaRegister(Rbp), CfiInstruction.DefCfaExpression(new CfiExpression([0x77, 0x08, 0x06])),
            CfiInstruction.OffsetRule(Rbx, -24), CfiInstruction.OffsetRule(200, 16), CfiInstruction.ValOffset(R12, -32),
            CfiInstruction.InRegister(Rbx, R12), CfiInstruction.ExpressionRule(Rbp, new CfiExpression([0x76, 0x00])),
            CfiInstruction.ValExpression(Rbx, new CfiExpression([0x9c])), CfiInstruction.Undefined(Rip),
            CfiInstruction.SameValue(Rbx), CfiInstruction.Restore(Rbp), CfiInstruction.Restore(200),
            CfiInstruction.RememberState, CfiInstruction.RestoreState, CfiInstruction.GnuArgsSize(32), CfiInstruction.Nop,
            CfiInstruction.AdvanceLoc(0x12345),
        ];
        byte[] bytes = CfiWriter.Encode(program, X86);
        var decoded = new List<CfiInstruction>();
        var reader = new CfiInstructionReader(bytes, 0, bytes.Length, "test", X86);
        while (reader.TryRead(out var instruction))
            decoded.Add(instruction);
        decoded.ShouldBe(program);
    }

    [Fact]
    public void Transitions_are_minimal()
    {
        var rsp16 = With(CfaRule.RegisterPlus(Rsp, 16));
        var rbp16 = With(CfaRule.RegisterPlus(Rbp, 16));
        var rbp32 = With(CfaRule.RegisterPlus(Rbp, 32));
        CfiTransition.Between(Cie, rsp16, Cie, X86).ShouldBe([CfiInstruction.DefCfaOffset(16)]);
        CfiTransition.Between(rsp16, rbp16, Cie, X86).ShouldBe([CfiInstruction.DefCfaRegister(Rbp)]);
        CfiTransition.Between(rsp16, rbp32, Cie, X86).ShouldBe([CfiInstruction.DefCfa(Rbp, 32)]);
        CfiTransition.Between(rsp16, rsp16, Cie, X86).ShouldBeEmpty();

        var saved = With(CfaRule.RegisterPlus(Rsp, 16), new(Rbp, CfiRule.AtCfaOffset(-16)), new(Rbx, CfiRule.SameValue));
        CfiTransition.Between(rsp16, saved, Cie, X86).ShouldBe(
            [CfiInstruction.SameValue(Rbx), CfiInstruction.OffsetRule(Rbp, -16)]);
        // Back to "no rule": only restore does that; the CFA changes first.
        CfiTransition.Between(saved, Cie, Cie, X86).ShouldBe(
            [CfiInstruction.DefCfaOffset(8), CfiInstruction.Restore(Rbx), CfiInstruction.Restore(Rbp)]);

        // A rule equal to the CIE's is restored in one byte rather than re-stated.
        var ripMoved = CfiState.Create(CfaRule.RegisterPlus(Rsp, 8), [new(Rip, CfiRule.AtCfaOffset(-16))]);
        CfiTransition.Between(ripMoved, Cie, Cie, X86).ShouldBe([CfiInstruction.Restore(Rip)]);

        var expression = CfiState.Create(CfaRule.FromExpression(new CfiExpression([0x77, 0x08])), Cie.Rules.ToArray());
        CfiTransition.Between(Cie, expression, Cie, X86).ShouldBe([CfiInstruction.DefCfaExpression(new CfiExpression([0x77, 0x08]))]);
        CfiTransition.Between(expression, Cie, Cie, X86).ShouldBe([CfiInstruction.DefCfa(Rsp, 8)]);

        var pushed = CfiState.Create(Cie.Cfa, Cie.Rules.ToArray(), argsSize: 16);
        CfiTransition.Between(Cie, pushed, Cie, X86).ShouldBe([CfiInstruction.GnuArgsSize(16)]);
    }

    [Fact]
    public void A_state_without_a_rule_the_cie_defines_is_unreachable()
    {
        var noRip = CfiState.Create(CfaRule.RegisterPlus(Rsp, 8), []);
        Should.Throw<ArgumentException>(() => CfiTransition.Between(Cie, noRip, Cie, X86));
        Should.Throw<ArgumentException>(() => CfiTransition.Between(Cie, CfiState.Empty, Cie, X86));
    }

    [Fact]
    public void Evaluating_an_encoded_replay_gives_the_same_rows()
    {
        byte[] original =
        [
            0x41, 0x0e, 0x10, 0x86, 0x02,       // push rbp
            0x43, 0x0d, 0x06,                   // mov rsp, rbp
            0x41, 0x83, 0x03, 0x8c, 0x04, 0x2e, 0x10,
            0x42, 0x0a, 0x0c, 0x07, 0x08, 0xc6, 0xc3, 0xcc,
            0x41, 0x0b, 0x2e, 0x00,
            0x45, 0x0f, 0x02, 0x77, 0x08, 0x10, 0x0f, 0x02, 0x76, 0x00, 0x16, 0x0e, 0x01, 0x9c,
            0x41, 0x0c, 0x07, 0x08, 0x07, 0x10,
        ];
        var initial = CfiInterpreter.EvaluateInitial([0x0c, 0x07, 0x08, 0x90, 0x01], 0, 5, "cie", X86);
        var table = CfiInterpreter.EvaluateProgram(original, 0, original.Length, "fde", X86, initial, 0x1000, 0x1100);
        table.Rows.Count.ShouldBe(8);
        CfiRoundTrip.AssertReplayGivesSameRows(table, X86);
    }
}
