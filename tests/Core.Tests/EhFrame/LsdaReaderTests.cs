using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;

namespace Rewriter.Tests.EhFrame;

/// <summary>A hand-assembled LSDA: every table, the problem flags, malformed variants.</summary>
public class LsdaReaderTests
{
    private const ulong SectionAddress = 0x2ff0, LsdaAddress = 0x3000, FunctionStart = 0x1000, FunctionEnd = 0x1100;

    /// <summary>
    /// Three call sites (catch type 1; catch type 2 then type 1; exception specification {type 1}),
    /// a type table of two pc-relative indirect entries (the second null: catch(...)).
    /// </summary>
    private static readonly byte[] LsdaBytes =
    [
        0xff,                   // 0: LPStart omitted
        0x9b,                   // 1: type table: indirect | pcrel | sdata4
        0x1d,                   // 2: type table base at 3 + 0x1d = 32
        0x01,                   // 3: call sites in ULEB128
        0x0c,                   // 4: 12 bytes of call sites
        0x10, 0x05, 0x40, 0x01, // 5: [+0x10, +5) -> +0x40, action 1
        0x20, 0x08, 0x50, 0x03, // 9: [+0x20, +8) -> +0x50, action 3
        0x30, 0x04, 0x60, 0x05, // 13: [+0x30, +4) -> +0x60, action 5
        0x01, 0x00,             // 17: action 0: type 1, end
        0x02, 0x7d,             // 19: action 2: type 2, next at 20 - 3 = action 0
        0x7f, 0x00,             // 21: action 4: exception specification at base + 0, end
        0x00,                   // 23: padding to align the type table
        0x00, 0x00, 0x00, 0x00, // 24: type 2: null
        0xe4, 0x0f, 0x00, 0x00, // 28: type 1: 0x301c + 0xfe4 = 0x4000
        0x01, 0x00,             // 32: exception specification {type 1}
    ];

    private static byte[] Section(byte[] lsda) => [.. new byte[0x10], .. lsda, 0xee, 0xee];

    private static Lsda Read(byte[] lsda, ulong functionEnd = FunctionEnd) =>
        LsdaReader.Read(Section(lsda), SectionAddress, ".gcc_except_table", LsdaAddress, FunctionStart, functionEnd);

    [Fact]
    public void Reads_every_table()
    {
        var lsda = Read(LsdaBytes);
        lsda.Length.ShouldBe(LsdaBytes.Length);
        lsda.LandingPadBase.ShouldBe(FunctionStart);
        lsda.LandingPadBaseEncoding.ShouldBe(PointerEncoding.Omit);
        lsda.CallSiteEncoding.ShouldBe(PointerEncoding.Uleb128);
        lsda.TypeTableEncoding.ShouldBe((byte)0x9b);
        lsda.CallSites.ShouldBe(
        [
            new LsdaCallSite(0x1010, 0x1015, 0x1040, 1),
            new LsdaCallSite(0x1020, 0x1028, 0x1050, 3),
            new LsdaCallSite(0x1030, 0x1034, 0x1060, 5),
        ]);
        lsda.Actions.ShouldBe([new LsdaAction(0, 1, null), new LsdaAction(2, 2, 0), new LsdaAction(4, -1, null)]);
        lsda.ActionTable.ToArray().ShouldBe(LsdaBytes[17..23]);
        lsda.Types.ShouldBe([new LsdaTypeEntry(0xfe4, 0x4000), new LsdaTypeEntry(0, 0)]);
        lsda.ExceptionSpecifications.ToArray().ShouldBe([0x01, 0x00]);
        lsda.Problems.ShouldBe(LsdaProblems.None);
        lsda.LandingPads.ShouldBe([0x1040UL, 0x1050, 0x1060]);
    }

    [Fact]
    public void Writing_with_the_same_call_sites_gives_the_same_bytes()
    {
        var lsda = Read(LsdaBytes);
        LsdaWriter.Write(lsda, lsda.CallSites, FunctionStart, LsdaAddress).ShouldBe(LsdaBytes);
    }

    [Fact]
    public void Rewritten_lsda_reads_back_at_a_new_address_with_new_call_sites()
    {
        var lsda = Read(LsdaBytes);
        // The function moved to 0x8000 and its first call site was split in two.
        LsdaCallSite[] moved =
        [
            new(0x8010, 0x8012, 0x8100, 1),
            new(0x8200, 0x8203, 0x8100, 1),
            new(0x8300, 0x8308, 0x8110, 3),
            new(0x8400, 0x8404, 0x8120, 5),
        ];
        const ulong newAddress = 0x9003; // odd, so the type table needs different padding
        byte[] bytes = LsdaWriter.Write(lsda, moved, 0x8000, newAddress);
        var again = LsdaReader.Read(bytes, newAddress, "new", newAddress, 0x8000, 0x8500);
        again.CallSites.ShouldBe(moved);
        again.Actions.ShouldBe(lsda.Actions);
        again.Types.Select(t => t.Address).ShouldBe(lsda.Types.Select(t => t.Address));
        again.ExceptionSpecifications.ToArray().ShouldBe(lsda.ExceptionSpecifications.ToArray());
        again.Length.ShouldBe(bytes.Length);
        ((newAddress + (ulong)bytes.Length - 2) % 4).ShouldBe(0UL); // the type table base stays aligned
    }

    [Fact]
    public void An_explicit_landing_pad_base_round_trips()
    {
        var lsda = Read(LsdaBytes);
        // A cold fragment at 0x9000 whose landing pads stay in the hot part at 0x1000.
        LsdaCallSite[] cold = [new(0x9000, 0x9004, 0x1040, 1)];
        byte[] bytes = LsdaWriter.Write(lsda, cold, 0x9000, 0x5000, landingPadBase: 0x1000);
        var again = LsdaReader.Read(bytes, 0x5000, "new", 0x5000, 0x9000, 0x9010);
        again.LandingPadBase.ShouldBe(0x1000UL);
        again.CallSites.ShouldBe(cold);
        again.Problems.ShouldBe(LsdaProblems.LandingPadOutsideFunction);
    }

    [Fact]
    public void Writer_rejects_call_sites_it_cannot_express()
    {
        var lsda = Read(LsdaBytes);
        Should.Throw<ArgumentException>(() => LsdaWriter.Write(lsda, [new(0x1020, 0x1028, null, 0), new(0x1010, 0x1015, null, 0)], FunctionStart, LsdaAddress));
        Should.Throw<ArgumentException>(() => LsdaWriter.Write(lsda, [new(0x1010, 0x1015, 0x1000, 0)], FunctionStart, LsdaAddress));
        Should.Throw<ArgumentException>(() => LsdaWriter.Write(lsda, [new(0x1010, 0x1015, 0x1040, 99)], FunctionStart, LsdaAddress));
        Should.Throw<ArgumentException>(() => LsdaWriter.Write(lsda, [new(0x0ff0, 0x1015, 0x1040, 1)], FunctionStart, LsdaAddress));
    }

    [Fact]
    public void Landing_pads_and_call_sites_outside_the_function_are_reported()
    {
        Read(LsdaBytes, functionEnd: 0x1055).Problems.ShouldBe(LsdaProblems.LandingPadOutsideFunction);
        Read(LsdaBytes, functionEnd: 0x1032).Problems.ShouldBe(LsdaProblems.LandingPadOutsideFunction | LsdaProblems.CallSiteOutsideFunction);
        byte[] unordered = [.. LsdaBytes];
        unordered[9] = 0x12; // second call site now starts inside the first
        Read(unordered).Problems.ShouldBe(LsdaProblems.CallSitesOutOfOrder);
    }

    [Fact]
    public void An_lsda_without_type_table_or_actions()
    {
        byte[] cleanupOnly = [0xff, 0xff, 0x01, 0x08, 0x00, 0x04, 0x20, 0x00, 0x08, 0x04, 0x00, 0x00];
        var lsda = Read(cleanupOnly);
        lsda.HasTypeTable.ShouldBeFalse();
        lsda.CallSites.ShouldBe([new LsdaCallSite(0x1000, 0x1004, 0x1020, 0), new LsdaCallSite(0x1008, 0x100c, null, 0)]);
        lsda.Actions.ShouldBeEmpty();
        lsda.Length.ShouldBe(cleanupOnly.Length);
        LsdaWriter.Write(lsda, lsda.CallSites, FunctionStart, LsdaAddress).ShouldBe(cleanupOnly);
    }

    [Fact]
    public void Udata4_call_sites_and_an_absolute_type_table()
    {
        byte[] bytes =
        [
            0xff, 0x03, 0x15, 0x03, 0x0d,
            0x10, 0, 0, 0, 0x04, 0, 0, 0, 0x40, 0, 0, 0, 0x01, // one udata4 call site, action 1
            0x01, 0x00,                                       // type 1
            0x00, 0x40, 0x00, 0x00,                           // type 1: absolute 0x4000
        ];
        var lsda = Read(bytes);
        lsda.CallSites.ShouldBe([new LsdaCallSite(0x1010, 0x1014, 0x1040, 1)]);
        lsda.Types.ShouldBe([new LsdaTypeEntry(0x4000, 0x4000)]);
        var again = LsdaReader.Read(LsdaWriter.Write(lsda, lsda.CallSites, FunctionStart, 0x7000), 0x7000, "new", 0x7000, FunctionStart, FunctionEnd);
        again.CallSites.ShouldBe(lsda.CallSites);
        again.Types.ShouldBe(lsda.Types);
        again.CallSiteEncoding.ShouldBe(PointerEncoding.Uleb128);
    }

    [Fact]
    public void Actions_and_types_no_call_site_uses_are_kept()
    {
        // What GCC emits for foo.cold: the whole function's action and type tables, used by no call site here.
        byte[] bytes =
        [
            0xff, 0x9b, 0x15, 0x01, 0x04,
            0x39, 0x0a, 0x00, 0x00,                     // a call without landing pad
            0x01, 0x00, 0x02, 0x00,                     // actions: type 1; type 2
            0x00, 0x00, 0x00,                           // padding
            0x48, 0x75, 0x00, 0x00, 0x3c, 0x75, 0x00, 0x00, // types 2 and 1
        ];
        var lsda = Read(bytes);
        lsda.CallSites.ShouldBe([new LsdaCallSite(0x1039, 0x1043, null, 0)]);
        lsda.Actions.ShouldBe([new LsdaAction(0, 1, null), new LsdaAction(2, 2, null)]);
        lsda.ActionTable.ToArray().ShouldBe([0x01, 0x00, 0x02, 0x00]);
        lsda.Types.Count.ShouldBe(2);
        lsda.Length.ShouldBe(bytes.Length);
        LsdaWriter.Write(lsda, lsda.CallSites, FunctionStart, LsdaAddress).ShouldBe(bytes);
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "truncated header", [0xff], "runs past the end" },
        { "type table offset past the end", [0xff, 0x9b, 0x7f], "type table offset" },
        { "call-site table past the end", [0xff, 0xff, 0x01, 0x7f], "call-site table" },
        { "truncated call site", [0xff, 0xff, 0x01, 0x02, 0x00, 0x04], "runs past the end" },
        { "indirect LPStart", [0x9b, 0, 0, 0, 0], "indirect LPStart" },
        { "pc-relative call sites", [0xff, 0xff, 0x1b, 0x00], "call-site encoding" },
        { "variable-size type entries", [0xff, 0x01, 0x00], "no fixed size" },
        { "action outside the table", [0xff, 0xff, 0x01, 0x04, 0x00, 0x04, 0x20, 0x7f], "outside the action table" },
        { "looping action chain", [0xff, 0xff, 0x01, 0x04, 0x00, 0x04, 0x20, 0x01, 0x00, 0x7f], "loops" },
        { "types without a type table", [0xff, 0xff, 0x01, 0x04, 0x00, 0x04, 0x20, 0x01, 0x01, 0x00], "no type table" },
        { "type index below the table", [0xff, 0x9b, 0x0c, 0x01, 0x04, 0x00, 0x04, 0x20, 0x01, 0x05, 0x00, 0, 0, 0, 0], "reaches below" },
        { "unsupported type application", [0xff, 0x3b, 0x0c, 0x01, 0x04, 0x00, 0x04, 0x20, 0x01, 0x01, 0x00, 1, 0, 0, 0], "unsupported type table encoding" },
        { "unterminated specification", [0xff, 0x9b, 0x08, 0x01, 0x04, 0x00, 0x04, 0x20, 0x01, 0x7f, 0x00, 0x81], "runs past the end" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_lsdas_raise_input_format_errors(string what, byte[] lsda, string message)
    {
        // No trailing bytes: the LSDA ends the section, so truncation is visible.
        var error = Should.Throw<InputFormatException>(
            () => LsdaReader.Read([.. new byte[0x10], .. lsda], SectionAddress, ".gcc_except_table", LsdaAddress, FunctionStart, FunctionEnd), what);
        error.What.ShouldContain(message, Case.Insensitive, what);
        error.Where.ShouldStartWith(".gcc_except_table+0x");
    }

    [Fact]
    public void An_address_outside_the_section_is_an_input_error()
    {
        Should.Throw<InputFormatException>(() => LsdaReader.Read(LsdaBytes, 0x3000, ".gcc_except_table", 0x2fff, FunctionStart, FunctionEnd));
        Should.Throw<InputFormatException>(() => LsdaReader.Read(LsdaBytes, 0x3000, ".gcc_except_table", 0x3000 + (ulong)LsdaBytes.Length, FunctionStart, FunctionEnd));
    }
}
