using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Frames;

/// <summary>
/// A hand-assembled .debug_frame and the address map of a layout that moves one of its functions.
/// f [0x1000, 0x1010): `push rbp` at 0x1000 (CFA rsp+16, rbp saved from 0x1005), a `pop` ends at
/// 0x100c (CFA rsp+8 again). The map moves f's instructions 0x1000, 0x1005, 0x1008 to a hot
/// fragment at 0x9000 (a 2-byte jump added after the first) and 0x100c to a cold fragment at
/// 0xa000. g [0x2000, 0x2008) stays; an FDE at address 0 is of code the linker discarded.
/// </summary>
internal static class DebugFrameFixture
{
    public const byte DefCfa = 0x0c, DefCfaOffset = 0x0e, SetLoc = 0x01, AdvanceLoc = 0x40, Offset = 0x80;
    public const int Rsp = 7, Rbp = 6, Rip = 16;

    public static CodeAddressMap Map() => new(
        [0x1000, 0x1005, 0x1008, 0x100c], [0x9000, 0x9007, 0x900a, 0xa000], [0x9005, 0x900a, 0x900e, 0xa004],
        [new CodeAddressMap.Fragment(0x1000, 0x1010, 0x9000, 0xe), new CodeAddressMap.Fragment(0x1000, 0x1010, 0xa000, 4, IsCold: true)]);

    /// <param name="version">the CIE's version (4 adds address and segment selector sizes)</param>
    /// <param name="dwarf64">every entry in the 64-bit format</param>
    /// <param name="augmentation">the CIE's augmentation string</param>
    /// <param name="fProgram">f's CFI program, when not the usual one</param>
    /// <param name="fTwice">f has a second FDE</param>
    public static byte[] Section(byte version = 1, bool dwarf64 = false, string augmentation = "", byte[]? fProgram = null, bool fTwice = false)
    {
        var bytes = new Bytes();
        int cie = Begin(bytes, dwarf64);
        Id(bytes, dwarf64, cie: true);
        bytes.U8(version).Str(augmentation);
        if (version == 4)
            bytes.U8(8, 0);
        bytes.Uleb(1).Sleb(-8);
        if (version == 1) bytes.U8(Rip); else bytes.Uleb(Rip);
        bytes.U8(DefCfa, Rsp, 8, Offset | Rip, 1);
        End(bytes, cie, dwarf64);

        Fde(bytes, dwarf64, 0x1000, 0x10, fProgram ?? [AdvanceLoc | 5, DefCfaOffset, 16, Offset | Rbp, 2, AdvanceLoc | 7, DefCfaOffset, 8]);
        if (fTwice)
            Fde(bytes, dwarf64, 0x1000, 0x10, [DefCfaOffset, 16]);
        Fde(bytes, dwarf64, 0x2000, 0x8, [AdvanceLoc | 1, DefCfaOffset, 16]);
        Fde(bytes, dwarf64, 0, 0x8, [AdvanceLoc | 1, DefCfaOffset, 16]);
        return bytes.ToArray();
    }

    private static void Fde(Bytes bytes, bool dwarf64, ulong start, ulong length, byte[] program)
    {
        int fde = Begin(bytes, dwarf64);
        Id(bytes, dwarf64, cie: false);
        bytes.U64(start).U64(length).U8(program.Select(b => (int)b).ToArray());
        End(bytes, fde, dwarf64);
    }

    private static int Begin(Bytes bytes, bool dwarf64)
    {
        int at = bytes.Position;
        if (dwarf64) bytes.U32(uint.MaxValue).U64(0); else bytes.U32(0);
        return at;
    }

    /// <summary>The CIE id, or an FDE's pointer to the CIE at offset 0.</summary>
    private static void Id(Bytes bytes, bool dwarf64, bool cie)
    {
        if (dwarf64) bytes.U64(cie ? ulong.MaxValue : 0); else bytes.U32(cie ? uint.MaxValue : 0);
    }

    /// <summary>DW_CFA_nop up to a multiple of 8, then the entry's length.</summary>
    private static void End(Bytes bytes, int entry, bool dwarf64)
    {
        while ((bytes.Position - entry) % 8 != 0)
            bytes.U8(0);
        bytes.Patch(entry + (dwarf64 ? 4 : 0), (ulong)(bytes.Position - entry - (dwarf64 ? 12 : 4)), dwarf64 ? 8 : 4);
    }
}
