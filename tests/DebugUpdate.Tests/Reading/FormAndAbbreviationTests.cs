using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Reading;

public sealed class FormAndAbbreviationTests
{
    // A hand-assembled DWARF 5 unit using the awkward forms: strx1/strx2, addrx, data16,
    // implicit_const, indirect, sdata, string, block1, exprloc, flag_present, ref4, sec_offset.
    private static DebugSections Fixture(Action<Bytes>? extraAbbreviations = null, Action<Bytes>? extraDies = null)
    {
        var abbrev = new Bytes()
            .Uleb(1).Uleb(0x11).U8(1)
                .Uleb(0x03).Uleb(0x25).Uleb(0x72).Uleb(0x17).Uleb(0x73).Uleb(0x17)
                .Uleb(0x11).Uleb(0x1b).Uleb(0x12).Uleb(0x06).Uleb(0x13).Uleb(0x21).Sleb(0x1d).U8(0, 0)
            .Uleb(2).Uleb(0x34).U8(0)
                .Uleb(0x03).Uleb(0x08).Uleb(0x1c).Uleb(0x1e).Uleb(0x02).Uleb(0x18).Uleb(0x3f).Uleb(0x19)
                .Uleb(0x3b).Uleb(0x16).Uleb(0x49).Uleb(0x13).Uleb(0x37).Uleb(0x0d).Uleb(0x0b).Uleb(0x0a).U8(0, 0)
            .Uleb(3).Uleb(0x24).U8(0)
                .Uleb(0x03).Uleb(0x26).Uleb(0x3e).Uleb(0x0b).Uleb(0x0b).Uleb(0x0b).U8(0, 0);
        extraAbbreviations?.Invoke(abbrev);
        abbrev.U8(0);

        var str = new Bytes().U8(0).Str("cu.c").Str("int");
        var strOffsets = new Bytes();
        int m = strOffsets.BeginLength();
        strOffsets.U16(5).U16(0).U32(1).U32(6).EndLength(m);
        var addr = new Bytes();
        m = addr.BeginLength();
        addr.U16(5).U8(8, 0).U64(0x1000).EndLength(m);

        var info = new Bytes();
        m = info.BeginLength();
        info.U16(5).U8(1, 8).U32(0);
        info.Uleb(1).U8(0).U32(8).U32(8).Uleb(0).U32(0x20);
        info.Uleb(2).Str("var");
        for (int i = 0; i < 16; i++) info.U8(i);
        info.Uleb(2).U8(0x91, 0x08).Uleb(0x0f).Uleb(42).U32(0x3c).Sleb(-5).U8(1, 0xaa);
        info.Position.ShouldBe(0x3c); // DIE 3 starts where DIE 2's ref4 points
        info.Uleb(3).U16(1).U8(5, 4);
        extraDies?.Invoke(info);
        info.U8(0).EndLength(m);

        var sections = new DebugSections();
        sections.Set(DebugSectionNames.Abbrev, abbrev.ToArray());
        sections.Set(DebugSectionNames.Info, info.ToArray());
        sections.Set(DebugSectionNames.Str, str.ToArray());
        sections.Set(DebugSectionNames.StrOffsets, strOffsets.ToArray());
        sections.Set(DebugSectionNames.Addr, addr.ToArray());
        return sections;
    }

    [Fact]
    public void Decodes_every_form_of_the_fixture()
    {
        var unit = DwarfFile.Open(Fixture()).Units.Single();
        unit.Header.Version.ShouldBe((ushort)5);
        unit.Header.UnitType.ShouldBe(DwUnitType.Compile);
        unit.Name.ShouldBe("cu.c");
        unit.GetRanges(0).ShouldBe([new AddressRange(0x1000, 0x1020)]);
        unit.TryGetAttribute(0, DwAt.Language, out var language).ShouldBeTrue();
        (language.Kind, language.SignedValue).ShouldBe((AttributeValueKind.SignedConstant, 0x1d));

        var dies = unit.Dies;
        dies.Count.ShouldBe(3);
        dies.Parent(1).ShouldBe(0);
        dies.NextSibling(1).ShouldBe(2);
        dies.NextSibling(2).ShouldBe(-1);
        dies.FirstChild(0).ShouldBe(1);
        dies[2].UnitOffset.ShouldBe(0x3cu);

        var values = new List<AttributeValue>();
        foreach (var attribute in unit.Attributes(1))
            values.Add(attribute);
        values.Select(v => v.Name).ShouldBe([DwAt.Name, DwAt.ConstValue, DwAt.Location, DwAt.External, DwAt.DeclLine, DwAt.Type, DwAt.Count, DwAt.ByteSize]);
        unit.GetString(values[0]).ShouldBe("var");
        unit.GetBlock(values[1]).ToArray().ShouldBe(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        values[2].Kind.ShouldBe(AttributeValueKind.Expression);
        unit.GetBlock(values[2]).ToArray().ShouldBe(new byte[] { 0x91, 0x08 });
        (values[3].Kind, values[3].Value).ShouldBe((AttributeValueKind.Flag, 1UL));
        (values[4].Form, values[4].Value).ShouldBe((DwForm.Udata, 42UL)); // resolved through DW_FORM_indirect
        unit.ResolveReference(values[5]).Die.ShouldBe(2);
        values[6].SignedValue.ShouldBe(-5);
        unit.GetBlock(values[7]).ToArray().ShouldBe(new byte[] { 0xaa });
        unit.GetName(2).ShouldBe("int");
    }

    [Fact]
    public void Decodes_the_three_and_four_byte_string_and_address_index_forms()
    {
        // DIE 4: name strx3 (index 1), linkage_name strx4 (index 0), low_pc addrx1, entry_pc addrx2,
        // call_pc addrx3, call_return_pc addrx4 (all index 0): fixed-size, so the scanner reads
        // them at precomputed offsets while the index path reads them in order.
        var sections = Fixture(
            abbrev => abbrev.Uleb(4).Uleb(0x34).U8(0)
                .Uleb(0x03).Uleb(0x27).Uleb(0x6e).Uleb(0x28).Uleb(0x11).Uleb(0x29)
                .Uleb(0x52).Uleb(0x2a).Uleb(0x81).Uleb(0x2b).Uleb(0x7d).Uleb(0x2c).U8(0, 0),
            info => info.Uleb(4).U8(1, 0, 0).U32(0).U8(0).U16(0).U8(0, 0, 0).U32(0));
        var unit = DwarfFile.Open(sections).Units.Single();
        unit.Abbreviations[3].FixedSize.ShouldBe(3 + 4 + 1 + 2 + 3 + 4);
        unit.Dies.Count.ShouldBe(4);
        unit.GetName(3).ShouldBe("int");
        var values = new List<AttributeValue>();
        foreach (var attribute in unit.Attributes(3))
            values.Add(attribute);
        values.Select(v => v.Form).ShouldBe([DwForm.Strx3, DwForm.Strx4, DwForm.Addrx1, DwForm.Addrx2, DwForm.Addrx3, DwForm.Addrx4]);
        unit.GetString(values[1]).ShouldBe("cu.c");
        values.Skip(2).Select(v => unit.ResolveAddress(in v)).ShouldAllBe(a => a == 0x1000UL);

        var scanner = unit.Scan();
        for (int die = 0; die < 4; die++)
            scanner.NextDie().ShouldBeTrue();
        foreach (var expected in values)
        {
            scanner.NextAttribute(out var value).ShouldBeTrue();
            value.ShouldBe(expected);
        }
        scanner.NextAttribute(out _).ShouldBeFalse();
        scanner.NextDie().ShouldBeFalse();
    }

    [Fact]
    public void Precomputes_sizes_of_fixed_size_abbreviations()
    {
        var unit = DwarfFile.Open(Fixture()).Units.Single();
        unit.Abbreviations[0].FixedSize.ShouldBe(-1); // addrx is a ULEB
        unit.Abbreviations[1].FixedSize.ShouldBe(-1);
        unit.Abbreviations[2].FixedSize.ShouldBe(4); // strx2 + data1 + data1
        unit.Abbreviations.HasRefAddr.ShouldBeFalse();
    }

    [Fact]
    public void Sequential_scan_sees_the_same_attributes()
    {
        var unit = DwarfFile.Open(Fixture()).Units.Single();
        var scanner = unit.Scan();
        var seen = new List<(DwTag, int, int)>();
        while (scanner.NextDie())
        {
            int count = 0;
            while (scanner.NextAttribute(out _))
                count++;
            seen.Add((scanner.Tag, scanner.Depth, count));
        }
        seen.ShouldBe([(DwTag.CompileUnit, 0, 6), (DwTag.Variable, 1, 8), (DwTag.BaseType, 1, 3)]);
    }

    [Fact]
    public void Alternate_file_forms_are_reported_as_unsupported()
    {
        var sections = Fixture(
            abbrev => abbrev.Uleb(4).Uleb(0x2e).U8(0).Uleb(0x49).Uleb(0x1f20).U8(0, 0),
            info => info.Uleb(4).U32(0x1234));
        var unit = DwarfFile.Open(sections).Units.Single();
        var ex = Should.Throw<DwarfFormatException>(() => unit.Dies);
        ex.Message.ShouldContain("DW_FORM_GNU_ref_alt");
        ex.Message.ShouldContain("not supported");
        ex.Section.ShouldBe(".debug_info");
    }

    [Fact]
    public void Unknown_abbreviation_code_names_the_die_offset()
    {
        var sections = Fixture(extraDies: info => info.Uleb(9));
        var unit = DwarfFile.Open(sections).Units.Single();
        var ex = Should.Throw<DwarfFormatException>(() => unit.Dies);
        ex.Message.ShouldBe(".debug_info+0x41: abbreviation code 9 is not in the table at .debug_abbrev+0x0");
    }

    [Fact]
    public void Unknown_form_in_abbreviations_is_rejected()
    {
        var sections = Fixture(abbrev => abbrev.Uleb(4).Uleb(0x2e).U8(0).Uleb(0x03).Uleb(0x7f).U8(0, 0));
        Should.Throw<DwarfFormatException>(() => DwarfFile.Open(sections)).Message.ShouldContain("unknown form 0x7f");
    }

    [Fact]
    public void Unit_length_past_the_section_is_rejected()
    {
        var sections = Fixture();
        var info = sections.Get(DebugSectionNames.Info).ToArray();
        info[0] += 1;
        sections.Set(DebugSectionNames.Info, info);
        Should.Throw<DwarfFormatException>(() => DwarfFile.Open(sections)).Message.ShouldStartWith(".debug_info+0x0: unit length");
    }
}
