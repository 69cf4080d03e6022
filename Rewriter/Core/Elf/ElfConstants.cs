namespace Rewriter.Elf;

// Values from the System V gABI and the x86-64 psABI; only those the rewriter looks at.

public static class ElfIdent
{
    public const int Size = 16;
    public const byte ClassElf32 = 1, ClassElf64 = 2;
    public const byte DataLittleEndian = 1, DataBigEndian = 2;
}

public enum ElfType : ushort { None = 0, Relocatable = 1, Executable = 2, SharedObject = 3, Core = 4 }

public static class ElfMachine
{
    public const ushort X86_64 = 62;
}

public enum SegmentType : uint
{
    Null = 0, Load = 1, Dynamic = 2, Interp = 3, Note = 4, ShLib = 5, Phdr = 6, Tls = 7,
    GnuEhFrame = 0x6474e550, GnuStack = 0x6474e551, GnuRelro = 0x6474e552, GnuProperty = 0x6474e553,
}

[Flags]
public enum SegmentFlags : uint { None = 0, Execute = 1, Write = 2, Read = 4 }

public enum SectionType : uint
{
    Null = 0, ProgBits = 1, SymTab = 2, StrTab = 3, Rela = 4, Hash = 5, Dynamic = 6, Note = 7,
    NoBits = 8, Rel = 9, ShLib = 10, DynSym = 11, InitArray = 14, FiniArray = 15, PreinitArray = 16,
    Group = 17, SymTabShndx = 18, Relr = 19, GnuHash = 0x6ffffff6, GnuVerDef = 0x6ffffffd,
    GnuVerNeed = 0x6ffffffe, GnuVerSym = 0x6fffffff, X86_64Unwind = 0x70000001,
}

[Flags]
public enum SectionFlags : ulong
{
    None = 0, Write = 0x1, Alloc = 0x2, ExecInstr = 0x4, Merge = 0x10, Strings = 0x20,
    InfoLink = 0x40, LinkOrder = 0x80, OsNonConforming = 0x100, Group = 0x200, Tls = 0x400,
    Compressed = 0x800,
}

public static class SectionIndex
{
    public const ushort Undefined = 0, LoReserve = 0xff00, Abs = 0xfff1, Common = 0xfff2, XIndex = 0xffff;
}

public enum CompressionType : uint { Zlib = 1, Zstd = 2 }

public enum DynamicTag : long
{
    Null = 0, Needed = 1, PltRelSz = 2, PltGot = 3, Hash = 4, StrTab = 5, SymTab = 6, Rela = 7,
    RelaSz = 8, RelaEnt = 9, StrSz = 10, SymEnt = 11, Init = 12, Fini = 13, SoName = 14, RPath = 15,
    Symbolic = 16, Rel = 17, RelSz = 18, RelEnt = 19, PltRel = 20, Debug = 21, TextRel = 22,
    JmpRel = 23, BindNow = 24, InitArray = 25, FiniArray = 26, InitArraySz = 27, FiniArraySz = 28,
    RunPath = 29, Flags = 30, PreinitArray = 32, PreinitArraySz = 33, RelrSz = 35, Relr = 36,
    RelrEnt = 37, GnuHash = 0x6ffffef5, VerSym = 0x6ffffff0, RelaCount = 0x6ffffff9,
    Flags1 = 0x6ffffffb, VerDef = 0x6ffffffc, VerNeed = 0x6ffffffe,
}

public enum SymbolType : byte { NoType = 0, Object = 1, Func = 2, Section = 3, File = 4, Common = 5, Tls = 6, GnuIFunc = 10 }

public enum SymbolBinding : byte { Local = 0, Global = 1, Weak = 2, GnuUnique = 10 }

/// <summary>x86-64 relocation types (psABI table 4.9) the rewriter may meet in linked programs.</summary>
public enum X86RelocationType : uint
{
    None = 0, R64 = 1, Pc32 = 2, Got32 = 3, Plt32 = 4, Copy = 5, GlobDat = 6, JumpSlot = 7,
    Relative = 8, GotPcRel = 9, R32 = 10, R32S = 11, R16 = 12, Pc16 = 13, R8 = 14, Pc8 = 15,
    DtpMod64 = 16, DtpOff64 = 17, TpOff64 = 18, TlsGd = 19, TlsLd = 20, DtpOff32 = 21,
    GotTpOff = 22, TpOff32 = 23, Pc64 = 24, GotOff64 = 25, GotPc32 = 26, Size32 = 32, Size64 = 33,
    GotPc32TlsDesc = 34, TlsDescCall = 35, TlsDesc = 36, IRelative = 37, GotPcRelX = 41,
    RexGotPcRelX = 42,
}
