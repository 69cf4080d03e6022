using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.CallFrames;

/// <summary>
/// Parses DWARF call frame information: entries until the section ends or a zero-length
/// terminator. In .eh_frame (the GCC/LSB flavour) a CIE has id 0 and an FDE's CIE pointer is
/// relative to its own field; in .debug_frame a CIE has id 0xffffffff (all ones in the 64-bit
/// format), an FDE's CIE pointer is a section offset and its addresses are plain target addresses.
/// </summary>
public static class CallFrameReader
{
    public static CallFrameTable Read(ReadOnlySpan<byte> data, ulong sectionAddress, string sectionName, CallFrameSection kind)
    {
        var cies = new Dictionary<int, Cie>();
        var cieList = new List<Cie>();
        var fdes = new List<Fde>();
        var cursor = new ByteCursor(data, sectionName);
        while (!cursor.AtEnd)
        {
            int start = cursor.Position;
            ulong length = cursor.U32();
            if (length == 0)
                break; // terminator
            bool dwarf64 = length == 0xffffffff;
            if (dwarf64)
                length = cursor.U64();
            int contentStart = cursor.Position;
            if (length > (ulong)(data.Length - contentStart))
                throw InputFormatException.At(sectionName, (ulong)start, $"entry length 0x{length:x} runs past the end of the section");
            int end = contentStart + (int)length;
            int idField = cursor.Position;
            bool wideId = dwarf64 && kind == CallFrameSection.DebugFrame;
            ulong id = wideId ? cursor.U64() : cursor.U32();
            var entry = new ByteCursor(data[..end], sectionName, cursor.Position);
            if (kind == CallFrameSection.EhFrame ? id == 0 : id == (wideId ? ulong.MaxValue : uint.MaxValue))
            {
                var cie = ReadCie(ref entry, start, end, sectionAddress, kind);
                cies[start] = cie;
                cieList.Add(cie);
            }
            else
            {
                long cieOffset = kind == CallFrameSection.EhFrame ? idField - (long)id : (long)Math.Min(id, long.MaxValue);
                if (cieOffset < 0 || cieOffset > int.MaxValue || !cies.TryGetValue((int)cieOffset, out var cie))
                    throw InputFormatException.At(sectionName, (ulong)start, $"FDE names a CIE at 0x{cieOffset:x} that is not a preceding CIE");
                fdes.Add(ReadFde(ref entry, start, end, cie, sectionAddress) with { IsDwarf64 = dwarf64 });
            }
            cursor.Position = end;
        }
        return new CallFrameTable(sectionAddress, cieList, fdes);
    }

    private static Cie ReadCie(ref ByteCursor c, int start, int end, ulong sectionAddress, CallFrameSection kind)
    {
        byte version = c.U8();
        if (version is not (1 or 3 or 4))
            throw c.Error($"unsupported CIE version {version}");
        string augmentation = System.Text.Encoding.ASCII.GetString(c.CString());
        if (augmentation.Contains("eh"))
            throw c.Error("the obsolete 'eh' augmentation is not supported");
        if (version == 4)
        {
            byte addressSize = c.U8();
            c.U8(); // segment selector size
            if (addressSize != 8)
                throw c.Error($"CIE address size {addressSize} is not 8");
        }
        ulong codeAlignment = c.Uleb();
        long dataAlignment = c.Sleb();
        ulong returnRegister = version == 1 ? c.U8() : c.Uleb();

        // .debug_frame addresses are target addresses (8 bytes on x86-64); only .eh_frame encodes them.
        byte fdeEncoding = PointerEncoding.Absolute, lsdaEncoding = PointerEncoding.Omit, personalityEncoding = PointerEncoding.Omit;
        ulong personality = 0;
        bool signalFrame = false;
        if (augmentation.StartsWith('z') && kind == CallFrameSection.EhFrame)
        {
            ulong augmentationLength = c.Uleb();
            int augmentationEnd = c.Position + (int)Math.Min(augmentationLength, (ulong)(end - c.Position));
            if (augmentationLength > (ulong)(end - c.Position))
                throw c.Error("augmentation data runs past the end of the CIE");
            foreach (char letter in augmentation.AsSpan(1))
            {
                switch (letter)
                {
                    case 'R': fdeEncoding = c.U8(); break;
                    case 'L': lsdaEncoding = c.U8(); break;
                    case 'P':
                        personalityEncoding = c.U8();
                        personality = PointerEncoding.Read(ref c, (byte)(personalityEncoding & ~PointerEncoding.Indirect), sectionAddress);
                        break;
                    case 'S': signalFrame = true; break;
                    case 'B': case 'G': break; // AArch64/MTE letters carry no data
                    default: c.Position = augmentationEnd; goto doneAugmentation; // unknown: skip the rest
                }
            }
            c.Position = augmentationEnd;
        }
        else if (augmentation.Length > 0)
        {
            throw c.Error($"unsupported CIE augmentation '{augmentation}'");
        }
    doneAugmentation:
        return new Cie(start, version, augmentation, codeAlignment, dataAlignment, returnRegister, fdeEncoding,
            lsdaEncoding, personalityEncoding, personality, signalFrame, c.Position, end - c.Position);
    }

    private static Fde ReadFde(ref ByteCursor c, int start, int end, Cie cie, ulong sectionAddress)
    {
        ulong pcBegin = PointerEncoding.Read(ref c, cie.FdeEncoding, sectionAddress);
        // The range uses the same format without the application (it is a length).
        ulong pcRange = PointerEncoding.Read(ref c, (byte)(cie.FdeEncoding & 0x0f), sectionAddress);
        ulong? lsda = null;
        if (cie.Augmentation.StartsWith('z'))
        {
            ulong augmentationLength = c.Uleb();
            if (augmentationLength > (ulong)(end - c.Position))
                throw c.Error("augmentation data runs past the end of the FDE");
            int augmentationEnd = c.Position + (int)augmentationLength;
            if (cie.LsdaEncoding != PointerEncoding.Omit && augmentationLength > 0)
            {
                ulong value = PointerEncoding.Read(ref c, cie.LsdaEncoding, sectionAddress);
                if (value != 0)
                    lsda = value;
            }
            c.Position = augmentationEnd;
        }
        return new Fde(start, cie, pcBegin, pcRange, lsda, c.Position, end - c.Position);
    }
}
