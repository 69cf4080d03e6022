using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;

namespace Rewriter.Tests.EhFrame;

/// <summary>Hand-assembled CFI programs, one class of opcodes at a time.</summary>
public class CfiInterpreterTests
{
    private const ulong Start = 0x1000;
    private static readonly CfiEncoding X86 = new(1, -8);
    private const uint Rax = 0, Rbx = 3, Rbp = 6, Rsp = 7, R12 = 12, R13 = 13, R14 = 14, R15 = 15, Rip = 16;

    // def_cfa rsp+8; offset rip, 1 (= CFA-8): what every x86-64 CIE says.
    private static readonly byte[] StandardCie = [0x0c, 0x07, 0x08, 0x90, 0x01];

    private static CfiState Initial(byte[]? cie = null, CfiEncoding? encoding = null)
    {
        cie ??= StandardCie;
        return CfiInterpreter.EvaluateInitial(cie, 0, cie.Length, "cie", encoding ?? X86);
    }

    private static CfiTable Run(byte[] program, ulong end = Start + 0x100000, CfiEncoding? encoding = null, CfiState? initial = null) =>
        CfiInterpreter.EvaluateProgram(program, 0, program.Length, "fde", encoding ?? X86, initial ?? Initial(), Start, end);

    private static List<(ulong, string)> Rows(CfiTable table) =>
        table.Rows.Select(r => (r.Address, table.States[r.StateIndex].ToString())).ToList();

    [Fact]
    public void Cie_initial_instructions_define_the_first_row()
    {
        var initial = Initial();
        initial.Cfa.ShouldBe(CfaRule.RegisterPlus(Rsp, 8));
        initial.RuleFor(Rip).ShouldBe(CfiRule.AtCfaOffset(-8));
        initial.ToString().ShouldBe("CFA=RSP+8: RIP=[CFA-8]");

        var table = Run([0x00, 0x00]); // nops only
        table.Rows.ShouldBe([new CfiRow(Start, 0)]);
        table.States.Single().ShouldBe(initial);
    }

    [Fact]
    public void Every_advance_form_moves_the_location()
    {
        byte[] program =
        [
            0x41, 0x0e, 0x10,                   // advance_loc 1; def_cfa_offset 16
            0x02, 0x10, 0x0e, 0x18,             // advance_loc1 16; def_cfa_offset 24
            0x03, 0x00, 0x01, 0x0e, 0x20,       // advance_loc2 0x100; def_cfa_offset 32
            0x04, 0x00, 0x00, 0x01, 0x00, 0x0e, 0x08, // advance_loc4 0x10000; def_cfa_offset 8
        ];
        Rows(Run(program)).ShouldBe(
        [
            (0x1000UL, "CFA=RSP+8: RIP=[CFA-8]"),
            (0x1001UL, "CFA=RSP+16: RIP=[CFA-8]"),
            (0x1011UL, "CFA=RSP+24: RIP=[CFA-8]"),
            (0x1111UL, "CFA=RSP+32: RIP=[CFA-8]"),
            (0x11111UL, "CFA=RSP+8: RIP=[CFA-8]"),
        ]);
    }

    [Fact]
    public void Code_alignment_factor_scales_advances_and_set_loc_is_absolute()
    {
        var encoding = new CfiEncoding(4, -8, PointerEncoding.UData4);
        byte[] program = [0x42, 0x0e, 0x10, 0x01, 0x00, 0x20, 0x00, 0x00, 0x0e, 0x18];
        var table = Run(program, encoding: encoding, initial: Initial(encoding: encoding));
        table.Rows.Select(r => r.Address).ShouldBe([0x1000UL, 0x1008, 0x2000]);
    }

    [Fact]
    public void Set_loc_with_a_pc_relative_encoding_is_relative_to_its_operand()
    {
        var encoding = new CfiEncoding(1, -8, PointerEncoding.PcRelative | PointerEncoding.SData4);
        // set_loc's operand sits at data address 0x5000 + 1 and holds -0x3ff1: 0x5001 - 0x3ff1 = 0x1010.
        byte[] program = [0x01, 0x0f, 0xc0, 0xff, 0xff, 0x0e, 0x10];
        var table = CfiInterpreter.EvaluateProgram(program, 0, program.Length, "fde", encoding, Initial(), Start, 0x2000, dataAddress: 0x5000);
        table.Rows.Select(r => r.Address).ShouldBe([0x1000UL, 0x1010]);
    }

    [Fact]
    public void Offset_forms_are_scaled_by_the_data_alignment_factor()
    {
        byte[] program =
        [
            0x83, 0x02,             // offset rbx, 2            -> [CFA-16]
            0x05, 0x0c, 0x03,       // offset_extended r12, 3   -> [CFA-24]
            0x11, 0x0d, 0x7f,       // offset_extended_sf r13, -1 -> [CFA+8]
            0x2f, 0x0e, 0x04,       // GNU_negative_offset_extended r14, 4 -> [CFA+32]
            0x14, 0x0f, 0x05,       // val_offset r15, 5        -> CFA-40
            0x15, 0x00, 0x7e,       // val_offset_sf rax, -2    -> CFA+16
        ];
        var state = Run(program).States.Single();
        state.RuleFor(Rbx).ShouldBe(CfiRule.AtCfaOffset(-16));
        state.RuleFor(R12).ShouldBe(CfiRule.AtCfaOffset(-24));
        state.RuleFor(R13).ShouldBe(CfiRule.AtCfaOffset(8));
        state.RuleFor(R14).ShouldBe(CfiRule.AtCfaOffset(32));
        state.RuleFor(R15).ShouldBe(CfiRule.IsCfaOffset(-40));
        state.RuleFor(Rax).ShouldBe(CfiRule.IsCfaOffset(16));
    }

    [Fact]
    public void Undefined_same_value_and_register_rules()
    {
        byte[] program = [0x07, 0x0c, 0x08, 0x0d, 0x09, 0x03, 0x0e, 0x09, 0x50, 0x03];
        var state = Run(program).States.Single();
        state.RuleFor(R12).ShouldBe(CfiRule.Undefined);
        state.RuleFor(R13).ShouldBe(CfiRule.SameValue);
        state.RuleFor(Rbx).ShouldBe(CfiRule.InRegister(R14));
        state.RuleFor(80).ShouldBe(CfiRule.InRegister(Rbx)); // register numbers past 63 need the ULEB forms
    }

    [Fact]
    public void Restore_returns_to_the_cie_rule_or_to_unspecified()
    {
        byte[] program =
        [
            0x86, 0x02, 0x90, 0x03, // offset rbp, 2; offset rip, 3
            0x41, 0xc6, 0xd0,       // advance 1; restore rbp (no CIE rule); restore rip (CIE: [CFA-8])
            0x41, 0x05, 0x64, 0x01, // advance 1; offset_extended reg100, 1
            0x41, 0x06, 0x64,       // advance 1; restore_extended reg100
        ];
        Rows(Run(program)).ShouldBe(
        [
            (0x1000UL, "CFA=RSP+8: RBP=[CFA-16], RIP=[CFA-24]"),
            (0x1001UL, "CFA=RSP+8: RIP=[CFA-8]"),
            (0x1002UL, "CFA=RSP+8: RIP=[CFA-8], reg100=[CFA-8]"),
            (0x1003UL, "CFA=RSP+8: RIP=[CFA-8]"),
        ]);
        var table = Run(program);
        table.Rows[1].StateIndex.ShouldBe(table.Rows[3].StateIndex); // equal states share one index
        table.States.Count.ShouldBe(3);
    }

    [Fact]
    public void Remember_and_restore_state_include_the_cfa_rule()
    {
        byte[] program =
        [
            0x0e, 0x10, 0x86, 0x02, // def_cfa_offset 16; offset rbp, 2
            0x41, 0x0a,             // advance 1; remember_state
            0x0e, 0x08, 0xc6,       // def_cfa_offset 8; restore rbp
            0x41, 0x0b,             // advance 1; restore_state
        ];
        Rows(Run(program)).ShouldBe(
        [
            (0x1000UL, "CFA=RSP+16: RBP=[CFA-16], RIP=[CFA-8]"),
            (0x1001UL, "CFA=RSP+8: RIP=[CFA-8]"),
            (0x1002UL, "CFA=RSP+16: RBP=[CFA-16], RIP=[CFA-8]"),
        ]);
    }

    [Fact]
    public void Every_cfa_definition_form()
    {
        byte[] program =
        [
            0x0c, 0x06, 0x10,       // def_cfa rbp, 16
            0x41, 0x0d, 0x07,       // def_cfa_register rsp
            0x41, 0x12, 0x03, 0x7e, // def_cfa_sf rbx, -2 (= +16)
            0x41, 0x13, 0x7d,       // def_cfa_offset_sf -3 (= +24)
            0x41, 0x0f, 0x02, 0x77, 0x08, // def_cfa_expression DW_OP_breg7 +8
            0x41, 0x0c, 0x07, 0x00, // def_cfa rsp, 0
        ];
        var table = Run(program);
        table.Rows.Select(r => table.States[r.StateIndex].Cfa).ShouldBe(
        [
            CfaRule.RegisterPlus(Rbp, 16),
            CfaRule.RegisterPlus(Rsp, 16),
            CfaRule.RegisterPlus(Rbx, 16),
            CfaRule.RegisterPlus(Rbx, 24),
            CfaRule.FromExpression(new CfiExpression([0x77, 0x08])),
            CfaRule.RegisterPlus(Rsp, 0),
        ]);
    }

    [Fact]
    public void Expression_rules_keep_their_bytes_and_compare_by_value()
    {
        byte[] program =
        [
            0x10, 0x06, 0x02, 0x76, 0x00, // expression rbp: DW_OP_breg6 0
            0x16, 0x03, 0x01, 0x9c,       // val_expression rbx: DW_OP_call_frame_cfa
            0x41, 0x0e, 0x10,             // advance 1; def_cfa_offset 16
            0x41, 0x0e, 0x08,             // advance 1; def_cfa_offset 8 (same state as row 0)
        ];
        var table = Run(program);
        var state = table.States[0];
        state.RuleFor(Rbp).ShouldBe(CfiRule.AtExpression(new CfiExpression([0x76, 0x00])));
        state.RuleFor(Rbx).ShouldBe(CfiRule.IsExpression(new CfiExpression([0x9c])));
        table.Rows.Select(r => r.StateIndex).ShouldBe([0, 1, 0]);
    }

    [Fact]
    public void Gnu_args_size_is_part_of_the_state()
    {
        byte[] program = [0x41, 0x2e, 0x10, 0x41, 0x2e, 0x00];
        var table = Run(program);
        table.Rows.Select(r => table.States[r.StateIndex].ArgsSize).ShouldBe([0UL, 16, 0]);
        table.Rows.Select(r => r.StateIndex).ShouldBe([0, 1, 0]);
    }

    [Fact]
    public void Unchanged_advances_add_no_rows_and_zero_advances_let_the_later_state_win()
    {
        byte[] program =
        [
            0x41, 0x00, 0x42,       // advance 1; nop; advance 2: nothing changed
            0x0e, 0x10, 0x40,       // def_cfa_offset 16; advance 0
            0x0e, 0x18,             // def_cfa_offset 24 at the same address
            0x41, 0x0a, 0x0b,       // advance 1; remember_state; restore_state: no change
        ];
        Rows(Run(program)).ShouldBe(
        [
            (0x1000UL, "CFA=RSP+8: RIP=[CFA-8]"),
            (0x1003UL, "CFA=RSP+24: RIP=[CFA-8]"),
        ]);
    }

    [Fact]
    public void Rows_past_the_end_are_dropped_and_flagged()
    {
        var table = Run([0x41, 0x0e, 0x10, 0x50, 0x0e, 0x18], end: Start + 0x10);
        table.Rows.Select(r => r.Address).ShouldBe([0x1000UL, 0x1001]);
        table.HasRowsPastEnd.ShouldBeTrue();
    }

    [Fact]
    public void State_index_at_is_a_lookup_of_the_last_row_at_or_before_the_address()
    {
        var table = Run([0x41, 0x0e, 0x10, 0x44, 0x0e, 0x20, 0x48, 0x0e, 0x10], end: Start + 0x20);
        table.StateIndexAt(0x1000).ShouldBe(0);
        table.StateIndexAt(0x1001).ShouldBe(1);
        table.StateIndexAt(0x1004).ShouldBe(1);
        table.StateIndexAt(0x1005).ShouldBe(2);
        table.StateIndexAt(0x100c).ShouldBe(2);
        table.StateIndexAt(0x100d).ShouldBe(1);
        table.StateIndexAt(0x101f).ShouldBe(1);
        table.StateAt(0x1006).Cfa.Offset.ShouldBe(32);
        Should.Throw<ArgumentOutOfRangeException>(() => table.StateIndexAt(0xfff));
        Should.Throw<ArgumentOutOfRangeException>(() => table.StateIndexAt(0x1020));
    }

    [Theory]
    [InlineData(new byte[] { 0x3f }, "unknown CFI opcode 0x3f", 0)]
    [InlineData(new byte[] { 0x41, 0x2d }, "GNU_window_save", 1)]
    [InlineData(new byte[] { 0x0e }, "runs past the end", 1)]
    [InlineData(new byte[] { 0x41, 0x0b }, "without a remembered state", 1)]
    [InlineData(new byte[] { 0x0f, 0x01, 0x9c, 0x0e, 0x10 }, "def_cfa_offset needs a register+offset", 3)]
    [InlineData(new byte[] { 0x0f, 0x01, 0x9c, 0x0d, 0x06 }, "def_cfa_register needs a register+offset", 3)]
    [InlineData(new byte[] { 0x07, 0x80, 0x04 }, "not an x86-64 DWARF register", 1)]
    [InlineData(new byte[] { 0x10, 0x03, 0x05, 0x9c }, "expression of 0x5 bytes", 2)]
    [InlineData(new byte[] { 0x0e, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "is too large", 0)]
    [InlineData(new byte[] { 0x11, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbf, 0x7f }, "overflows", 0)]
    [InlineData(new byte[] { 0x04, 0xff, 0xff, 0xff, 0xff, 0x04, 0xff, 0xff, 0xff, 0xff, 0x04, 0xff, 0xff, 0xff, 0xff, 0x04, 0xff, 0xff, 0xff, 0xff, 0x04, 0xff, 0xff, 0xff, 0xff }, "", -1)]
    public void Malformed_programs_raise_input_format_errors_with_the_offset(byte[] program, string message, int offset)
    {
        if (offset < 0)
        {
            // A long but valid program: the address only grows, nothing to report.
            Run(program).Rows.Count.ShouldBe(1);
            return;
        }
        var error = Should.Throw<InputFormatException>(() => Run(program));
        error.What.ShouldContain(message);
        error.Where.ShouldBe($"fde+0x{offset:x}");
    }

    [Fact]
    public void Advances_that_overflow_the_address_space_are_rejected()
    {
        var encoding = new CfiEncoding(ulong.MaxValue / 2, -8);
        var error = Should.Throw<InputFormatException>(() => Run([0x43], encoding: encoding, initial: Initial(encoding: encoding)));
        error.What.ShouldContain("overflow");
    }

    [Fact]
    public void Cie_programs_cannot_advance_or_restore()
    {
        Should.Throw<InputFormatException>(() => Initial([0x0c, 0x07, 0x08, 0x41])).What.ShouldContain("cannot advance");
        Should.Throw<InputFormatException>(() => Initial([0x0c, 0x07, 0x08, 0xc6])).What.ShouldContain("restore");
    }

    [Fact]
    public void Remember_state_depth_is_bounded()
    {
        var program = Enumerable.Repeat((byte)0x0a, CfiInterpreter.MaxRememberDepth + 1).ToArray();
        Should.Throw<InputFormatException>(() => Run(program)).What.ShouldContain("nests deeper");
    }

    [Fact]
    public void Works_through_eh_frame_reader_on_a_hand_assembled_section()
    {
        byte[] section =
        [
            // CIE at 0: length 0x14, id 0, version 1, "zR", code 1, data -8, ra 16, aug len 1, FDE enc pcrel|sdata4
            0x14, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'z', (byte)'R', 0, 0x01, 0x78, 0x10, 0x01, 0x1b,
            0x0c, 0x07, 0x08, 0x90, 0x01, 0x00, 0x00,
            // FDE at 0x18: length 0x14, CIE pointer 0x1c, pc_begin pcrel, pc_range 0x20, aug len 0
            0x14, 0, 0, 0, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0x00,
            0x41, 0x0e, 0x10, 0x86, 0x02, 0x00, 0x00,
            0, 0, 0, 0,
        ];
        // pc_begin field at 0x20 holds 0: the function starts at the field's address.
        const ulong sectionAddress = 0x2000;
        var frame = EhFrameReader.Read(section, sectionAddress, ".eh_frame");
        var fde = frame.Fdes.Single();
        fde.PcBegin.ShouldBe(0x2020UL);
        var table = new CfiInterpreter(section, sectionAddress).Evaluate(fde);
        Rows(table).ShouldBe(
        [
            (0x2020UL, "CFA=RSP+8: RIP=[CFA-8]"),
            (0x2021UL, "CFA=RSP+16: RBP=[CFA-16], RIP=[CFA-8]"),
        ]);
        table.End.ShouldBe(0x2040UL);
    }
}
