namespace Rewriter.DebugUpdate.Reading;

// The small closed sets of codes used inside section encodings (as opposed to DIE attributes).

/// <summary>Unit types (DWARF 5 §7.5.1); older versions get one assigned from the section and root tag.</summary>
public enum DwUnitType : byte
{
    Compile = 0x01,
    Type = 0x02,
    Partial = 0x03,
    Skeleton = 0x04,
    SplitCompile = 0x05,
    SplitType = 0x06,
}

/// <summary>Standard line-number opcodes (DWARF 5 §7.22).</summary>
public enum DwLns : byte
{
    Copy = 0x01,
    AdvancePc = 0x02,
    AdvanceLine = 0x03,
    SetFile = 0x04,
    SetColumn = 0x05,
    NegateStmt = 0x06,
    SetBasicBlock = 0x07,
    ConstAddPc = 0x08,
    FixedAdvancePc = 0x09,
    SetPrologueEnd = 0x0a,
    SetEpilogueBegin = 0x0b,
    SetIsa = 0x0c,
}

/// <summary>Extended line-number opcodes.</summary>
public enum DwLne : byte
{
    EndSequence = 0x01,
    SetAddress = 0x02,
    DefineFile = 0x03,
    SetDiscriminator = 0x04,
}

/// <summary>Line-table directory/file entry content types (DWARF 5 §6.2.4.1).</summary>
public enum DwLnct : ushort
{
    Path = 0x1,
    DirectoryIndex = 0x2,
    Timestamp = 0x3,
    Size = 0x4,
    Md5 = 0x5,
    LlvmSource = 0x2001,
}

/// <summary>Range-list entry kinds (.debug_rnglists).</summary>
public enum DwRle : byte
{
    EndOfList = 0x00,
    BaseAddressx = 0x01,
    StartxEndx = 0x02,
    StartxLength = 0x03,
    OffsetPair = 0x04,
    BaseAddress = 0x05,
    StartEnd = 0x06,
    StartLength = 0x07,
}

/// <summary>Location-list entry kinds (.debug_loclists), plus the GNU view pair.</summary>
public enum DwLle : byte
{
    EndOfList = 0x00,
    BaseAddressx = 0x01,
    StartxEndx = 0x02,
    StartxLength = 0x03,
    OffsetPair = 0x04,
    DefaultLocation = 0x05,
    BaseAddress = 0x06,
    StartEnd = 0x07,
    StartLength = 0x08,
    GnuViewPair = 0x09,
}

/// <summary>Entry kinds of the pre-standard GNU split-DWARF .debug_loc.dwo.</summary>
public enum GnuSplitLle : byte
{
    EndOfList = 0x00,
    BaseAddressSelection = 0x01,
    StartEnd = 0x02,
    StartLength = 0x03,
    OffsetPair = 0x04,
}

/// <summary>.debug_names index attributes (DWARF 5 §6.1.1.2).</summary>
public enum DwIdx : ushort
{
    CompileUnit = 1,
    TypeUnit = 2,
    DieOffset = 3,
    Parent = 4,
    TypeHash = 5,
    GnuInternal = 0x2000,
    GnuExternal = 0x2001,
}

/// <summary>Column identifiers of .debug_cu_index/.debug_tu_index (version 5; version 2 differs, see DwpIndex).</summary>
public enum DwSect : uint
{
    Info = 1,
    Types = 2,
    Abbrev = 3,
    Line = 4,
    Loclists = 5,
    StrOffsets = 6,
    Macro = 7,
    Rnglists = 8,
    // Version 2 (GNU) only; mapped onto these values when read.
    Loc = 0x105,
    Macinfo = 0x107,
}
