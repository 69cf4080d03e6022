using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Reading;

/// <summary>
/// Offsets that point outside their target and references that loop: each must end in a
/// DwarfFormatException naming the section and offset, from the reader and from verify-debug.
/// </summary>
public sealed class BadInputTests
{
    // A DWARF 4 unit: compile_unit "cu.c" { variable "v" : typedef A; typedef A : B; typedef B : <target>; base_type (strp) }.
    private sealed record Fixture(DebugSections Sections, int VariableTypeAt, int TypedefA, int TypedefBTypeAt, int BaseTypeNameAt);

    private static Fixture Build(uint? typedefBTarget = null, uint? variableTarget = null, uint baseTypeName = 1, uint abbrevOffset = 0, uint? stmtList = null)
    {
        var abbrev = new Bytes()
            .Uleb(1).Uleb(0x11).U8(1).Uleb(0x03).Uleb(0x08);
        if (stmtList is not null)
            abbrev.Uleb(0x10).Uleb(0x17); // stmt_list, sec_offset
        abbrev.U8(0, 0)
            .Uleb(2).Uleb(0x34).U8(0).Uleb(0x03).Uleb(0x08).Uleb(0x49).Uleb(0x13).U8(0, 0)
            .Uleb(3).Uleb(0x16).U8(0).Uleb(0x03).Uleb(0x08).Uleb(0x49).Uleb(0x13).U8(0, 0)
            .Uleb(4).Uleb(0x24).U8(0).Uleb(0x03).Uleb(0x0e).Uleb(0x3e).Uleb(0x0b).Uleb(0x0b).Uleb(0x0b).U8(0, 0)
            .U8(0);
        var str = new Bytes().U8(0).Str("int");

        var info = new Bytes();
        int mark = info.BeginLength();
        info.U16(4).U32(abbrevOffset).U8(8);
        info.Uleb(1).Str("cu.c");
        if (stmtList is { } offset)
            info.U32(offset);
        // Offsets of later DIEs are fixed by the sizes above: variable 7 bytes, typedefs 7, base_type 7.
        int variable = info.Position, typedefA = variable + 7, typedefB = typedefA + 7, baseType = typedefB + 7;
        info.Uleb(2).Str("v").U32(variableTarget ?? (uint)typedefA);
        info.Uleb(3).Str("A").U32((uint)typedefB);
        info.Uleb(3).Str("B").U32(typedefBTarget ?? (uint)baseType);
        info.Position.ShouldBe(baseType);
        info.Uleb(4).U32(baseTypeName).U8(5, 4);
        info.U8(0).EndLength(mark);

        var sections = new DebugSections();
        sections.Set(DebugSectionNames.Abbrev, abbrev.ToArray());
        sections.Set(DebugSectionNames.Info, info.ToArray());
        sections.Set(DebugSectionNames.Str, str.ToArray());
        sections.Set(DebugSectionNames.Line, new byte[8]);
        return new Fixture(sections, variable + 3, typedefA, typedefB + 3, baseType + 1);
    }

    private static DebugInput Input(Fixture fixture) => new(fixture.Sections, []);

    [Fact]
    public void The_valid_fixture_reads_and_verifies_cleanly()
    {
        var fixture = Build();
        var unit = DwarfFile.Open(fixture.Sections).Units.Single();
        unit.Dies.Count.ShouldBe(5);
        unit.GetName(4).ShouldBe("int");
        DebugVerifier.Compare(Input(fixture), Input(fixture), CodeAddressMap.Identity).HasDifferences.ShouldBeFalse();
    }

    [Fact]
    public void A_type_reference_cycle_is_an_error_at_the_die_that_closes_it()
    {
        // typedef B refers back to typedef A: the chain v -> A -> B -> A never reaches a base type.
        var fixture = Build(typedefBTarget: (uint)Build().TypedefA);
        var ex = Should.Throw<DwarfFormatException>(() => DebugVerifier.Compare(Input(fixture), Input(fixture), CodeAddressMap.Identity));
        ex.Section.ShouldBe(".debug_info");
        ex.Offset.ShouldBe(fixture.TypedefA);
        ex.Message.ShouldBe($".debug_info+0x{fixture.TypedefA:x}: reference cycle in DW_AT_type chain");
    }

    [Fact]
    public void A_self_reference_is_a_cycle_too()
    {
        int typedefB = Build().TypedefA + 7;
        var fixture = Build(typedefBTarget: (uint)typedefB); // B : B
        var ex = Should.Throw<DwarfFormatException>(() => DebugVerifier.Compare(Input(fixture), Input(fixture), CodeAddressMap.Identity));
        ex.What.ShouldBe("reference cycle in DW_AT_type chain");
        ex.Offset.ShouldBe(typedefB);
    }

    [Fact]
    public void A_reference_past_its_unit_names_the_attribute()
    {
        var fixture = Build(variableTarget: 0x7fff);
        var unit = DwarfFile.Open(fixture.Sections).Units.Single();
        unit.TryGetAttribute(1, DwAt.Type, out var type).ShouldBeTrue();
        var ex = Should.Throw<DwarfFormatException>(() => unit.ResolveReference(in type));
        ex.Message.ShouldBe($".debug_info+0x{fixture.VariableTypeAt:x}: reference 0x7fff does not point at a DIE of unit 0x0");
        Should.Throw<DwarfFormatException>(() => DebugVerifier.Compare(Input(fixture), Input(fixture), CodeAddressMap.Identity))
            .Offset.ShouldBe(fixture.VariableTypeAt);
    }

    [Fact]
    public void A_reference_into_the_middle_of_a_die_is_rejected()
    {
        var fixture = Build(variableTarget: (uint)Build().TypedefA + 2);
        var unit = DwarfFile.Open(fixture.Sections).Units.Single();
        unit.TryGetAttribute(1, DwAt.Type, out var type).ShouldBeTrue();
        Should.Throw<DwarfFormatException>(() => unit.ResolveReference(in type)).Offset.ShouldBe(fixture.VariableTypeAt);
    }

    [Fact]
    public void A_string_offset_past_debug_str_is_an_error()
    {
        var fixture = Build(baseTypeName: 0x5000);
        var unit = DwarfFile.Open(fixture.Sections).Units.Single();
        var ex = Should.Throw<DwarfFormatException>(() => unit.GetName(4));
        ex.Section.ShouldBe(".debug_str");
        ex.What.ShouldBe("string offset 0x5000 is outside the section (size 0x5)");
    }

    [Fact]
    public void An_abbreviation_offset_past_debug_abbrev_is_an_error()
    {
        var fixture = Build(abbrevOffset: 0x9000);
        var ex = Should.Throw<DwarfFormatException>(() => DwarfFile.Open(fixture.Sections));
        ex.Section.ShouldBe(".debug_abbrev");
        ex.What.ShouldContain("abbreviation offset 0x9000 is outside the section");
    }

    [Fact]
    public void A_line_table_offset_past_debug_line_is_an_error()
    {
        var fixture = Build(stmtList: 0x400);
        var unit = DwarfFile.Open(fixture.Sections).Units.Single();
        unit.StmtList.ShouldBe(0x400UL);
        var ex = Should.Throw<DwarfFormatException>(() => unit.ReadLineTable());
        ex.Section.ShouldBe(".debug_line");
        ex.What.ShouldBe("line table offset 0x400 is outside the section (size 0x8)");
    }
}
