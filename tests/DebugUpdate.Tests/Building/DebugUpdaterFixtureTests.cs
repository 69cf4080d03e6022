using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// The debug update on hand-assembled DWARF 5: every form survives (addrx1–4, data16, indirect,
/// implicit_const), code addresses follow the map, a split function gets ranges, a return address
/// is the end of its call, and code that is gone leaves no scope behind.
/// </summary>
public sealed class DebugUpdaterFixtureTests
{
    private const int DwAtAddrBase = 0x73, DwFormAddrx1 = 0x29, DwFormAddrx2 = 0x2a, DwFormAddrx3 = 0x2b, DwFormAddrx4 = 0x2c;

    // Input code: f [0x1000, 0x1010) with instructions at 0x1000 (a 5-byte call), 0x1005, 0x1008
    // and 0x100c. The map moves f: 0x1000→0x9000, 0x1005→0x9007 (a 2-byte jump was added after
    // the call), 0x1008→0x900a, and 0x100c to a cold fragment at 0xa000.
    private static CodeAddressMap Map() => new(
        [0x1000, 0x1005, 0x1008, 0x100c], [0x9000, 0x9007, 0x900a, 0xa000], [0x9005, 0x900a, 0x900e, 0xa004],
        [new CodeAddressMap.Fragment(0x1000, 0x1010, 0x9000, 0xe), new CodeAddressMap.Fragment(0x1000, 0x1010, 0xa000, 4, IsCold: true)]);

    private static DebugSections Input()
    {
        var abbrev = new Bytes();
        // 1: compile_unit, children: addr_base sec_offset, low_pc addrx1, high_pc data4
        abbrev.Uleb(1).Uleb((ulong)DwTag.CompileUnit).U8(1)
            .Uleb(DwAtAddrBase).Uleb((ulong)DwForm.SecOffset).Uleb((ulong)DwAt.LowPc).Uleb(DwFormAddrx1).Uleb((ulong)DwAt.HighPc).Uleb((ulong)DwForm.Data4).U8(0, 0);
        // 2: subprogram, children: name indirect, decl_line implicit_const 42, low_pc addrx2, high_pc data4
        abbrev.Uleb(2).Uleb((ulong)DwTag.Subprogram).U8(1)
            .Uleb((ulong)DwAt.Name).Uleb((ulong)DwForm.Indirect).Uleb((ulong)DwAt.DeclLine).Uleb((ulong)DwForm.ImplicitConst).Sleb(42)
            .Uleb((ulong)DwAt.LowPc).Uleb(DwFormAddrx2).Uleb((ulong)DwAt.HighPc).Uleb((ulong)DwForm.Data4).U8(0, 0);
        // 3: variable: const_value data16
        abbrev.Uleb(3).Uleb((ulong)DwTag.Variable).U8(0).Uleb((ulong)DwAt.ConstValue).Uleb((ulong)DwForm.Data16).U8(0, 0);
        // 4: call_site: call_return_pc addrx3
        abbrev.Uleb(4).Uleb((ulong)DwTag.CallSite).U8(0).Uleb((ulong)DwAt.CallReturnPc).Uleb(DwFormAddrx3).U8(0, 0);
        // 5: label: low_pc addrx4
        abbrev.Uleb(5).Uleb((ulong)DwTag.Label).U8(0).Uleb((ulong)DwAt.LowPc).Uleb(DwFormAddrx4).U8(0, 0);
        abbrev.U8(0);

        var addr = new Bytes();
        int addrLength = addr.BeginLength();
        addr.U16(5).U8(8).U8(0);
        foreach (ulong address in new ulong[] { 0x1000, 0x1005, 0x1008, 0x100c })
            addr.U64(address);
        addr.EndLength(addrLength);

        var info = new Bytes();
        int length = info.BeginLength();
        info.U16(5).U8(1).U8(8).U32(0);                              // compile unit header, abbrev 0
        info.Uleb(1).U32(8).U8(0).U32(0x10);                          // CU: addr_base 8, low_pc [0] = 0x1000, length 0x10
        info.Uleb(2).Uleb((ulong)DwForm.String).Str("f").U16(0).U32(0x10); // f, low_pc [0]
        info.Uleb(3).U8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        info.Uleb(4).U8(1, 0, 0);                                      // return address [1] = 0x1005
        info.Uleb(5).U32(3);                                           // label at [3] = 0x100c
        info.U8(0);                                                    // end of f's children
        info.U8(0);                                                    // end of the CU's children
        info.EndLength(length);

        return new DebugSections
        {
            [DebugSectionNames.Info] = info.ToArray(),
            [DebugSectionNames.Abbrev] = abbrev.ToArray(),
            [DebugSectionNames.Addr] = addr.ToArray(),
        };
    }

    private static DwarfUnit UpdatedUnit(out DebugUpdateResult result, int threads = 1)
    {
        result = DebugUpdater.Update(Input(), Map(), new DebugUpdateOptions { ThreadCount = threads });
        var output = new DebugSections();
        foreach (var (name, chunks) in result.Sections)
            output[name] = chunks.SelectMany(c => c.ToArray()).ToArray();
        return DwarfFile.Open(output).Units[0];
    }

    private static int Find(DwarfUnit unit, DwTag tag) => Enumerable.Range(0, unit.Dies.Count).First(d => unit.TagOf(d) == tag);

    [Fact]
    public void A_split_function_and_its_unit_get_ranges_over_the_new_fragments()
    {
        var unit = UpdatedUnit(out _);
        var expected = new List<AddressRange> { new(0x9000, 0x900e), new(0xa000, 0xa004) };
        unit.GetRanges(Find(unit, DwTag.Subprogram)).ShouldBe(expected);
        unit.GetRanges(0).ShouldBe(expected);
        unit.HasAttribute(Find(unit, DwTag.Subprogram), DwAt.LowPc).ShouldBeFalse();
    }

    [Fact]
    public void Every_form_keeps_its_meaning()
    {
        var unit = UpdatedUnit(out _);
        int function = Find(unit, DwTag.Subprogram);
        unit.GetName(function).ShouldBe("f");                               // DW_FORM_indirect → string
        unit.TryGetAttribute(function, DwAt.DeclLine, out var line).ShouldBeTrue();
        line.SignedValue.ShouldBe(42);                                      // implicit_const
        int variable = Find(unit, DwTag.Variable);
        unit.TryGetAttribute(variable, DwAt.ConstValue, out var value).ShouldBeTrue();
        unit.GetBlock(in value).ToArray().ShouldBe(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()); // data16
        int label = Find(unit, DwTag.Label);
        unit.TryGetAttribute(label, DwAt.LowPc, out var labelPc).ShouldBeTrue();
        unit.ResolveAddress(in labelPc).ShouldBe(0xa000UL);                 // addrx4, now in the cold fragment
    }

    [Fact]
    public void A_return_address_is_the_end_of_its_call_not_the_jump_added_after_it()
    {
        var unit = UpdatedUnit(out _);
        int call = Find(unit, DwTag.CallSite);
        unit.TryGetAttribute(call, DwAt.CallReturnPc, out var returnPc).ShouldBeTrue();
        unit.ResolveAddress(in returnPc).ShouldBe(0x9005UL);
    }

    [Fact]
    public void The_output_is_the_same_for_every_thread_count()
    {
        UpdatedUnit(out var one, threads: 1);
        foreach (int threads in new[] { 2, 4, 8, 16 })
        {
            UpdatedUnit(out var many, threads);
            many.Sections.Keys.Order().ShouldBe(one.Sections.Keys.Order());
            foreach (var (name, chunks) in one.Sections)
                many.Sections[name].SelectMany(c => c.ToArray()).ShouldBe(chunks.SelectMany(c => c.ToArray()), name);
        }
    }

    [Fact]
    public void A_truncated_unit_is_an_error_naming_its_section_and_offset()
    {
        var input = Input();
        var info = input[DebugSectionNames.Info].ToArray();
        input[DebugSectionNames.Info] = info[..(info.Length - 6)];
        var error = Should.Throw<DwarfFormatException>(() => DebugUpdater.Update(input, Map(), new DebugUpdateOptions()));
        error.Section.ShouldBe(DebugSectionNames.Info);
    }
}
