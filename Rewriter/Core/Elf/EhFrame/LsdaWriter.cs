using Rewriter.CallFrames;
using System.Buffers.Binary;
using Rewriter.Common;

namespace Rewriter.Elf.EhFrame;

/// <summary>
/// Re-encodes an LSDA with a new call-site table (after blocks moved or a function was split),
/// keeping the template's action table, type table and exception specifications. The layout is
/// the one GCC and clang emit: ULEB128 call sites, the type table aligned to its entry size.
/// Invalid requests (unsorted call sites, values that do not fit) are caller bugs and raise
/// <see cref="ArgumentException"/>.
/// </summary>
public static class LsdaWriter
{
    private const byte LandingPadBaseEncoding = PointerEncoding.PcRelative | PointerEncoding.SData4;

    /// <param name="template">The LSDA whose actions and types the new one keeps.</param>
    /// <param name="callSites">Absolute ranges, sorted and disjoint, all at or after <paramref name="functionStart"/>.</param>
    /// <param name="functionStart">Start of the code the new LSDA's FDE covers.</param>
    /// <param name="lsdaAddress">Where the new LSDA will be placed (pc-relative fields depend on it).</param>
    /// <param name="landingPadBase">An explicit LPStart, for landing pads outside the fragment;
    /// null means LPStart is the fragment start and is omitted.</param>
    public static byte[] Write(Lsda template, IReadOnlyList<LsdaCallSite> callSites, ulong functionStart, ulong lsdaAddress,
        ulong? landingPadBase = null)
    {
        ulong lpBase = landingPadBase ?? functionStart;
        var callSiteTable = EncodeCallSites(template, callSites, functionStart, lpBase);

        var output = new List<byte>(64 + callSiteTable.Count + template.ActionTable.Length);
        if (landingPadBase is null)
        {
            output.Add(PointerEncoding.Omit);
        }
        else
        {
            output.Add(LandingPadBaseEncoding);
            ulong place = lsdaAddress + (ulong)output.Count;
            AddSigned32((long)(lpBase - place), output, "LPStart");
        }

        output.Add(template.TypeTableEncoding);
        int entrySize = template.HasTypeTable ? PointerEncoding.FixedSize(template.TypeTableEncoding) : 0;
        if (template.HasTypeTable && entrySize == 0)
            throw new ArgumentException($"type table encoding 0x{template.TypeTableEncoding:x2} has no fixed size");
        int typesSize = template.Types.Count * entrySize;
        // Everything between the type table offset field and the type table base.
        int body = 1 + Leb128.UnsignedSize((ulong)callSiteTable.Count) + callSiteTable.Count + template.ActionTable.Length;
        int padding = 0;
        if (template.HasTypeTable)
        {
            // The offset is a ULEB128 whose size moves the base and thus the padding; settle it by
            // growing the field (a padded ULEB128 is still valid) until the value fits.
            for (int fieldSize = 1; ; fieldSize++)
            {
                ulong baseAddress = lsdaAddress + (ulong)(output.Count + fieldSize + body + typesSize);
                padding = (int)((ulong)entrySize - baseAddress % (ulong)entrySize) % entrySize;
                ulong offset = (ulong)(body + padding + typesSize);
                if (Leb128.UnsignedSize(offset) <= fieldSize)
                {
                    Leb128.AddUnsigned(output, offset, fieldSize);
                    break;
                }
            }
        }

        output.Add(PointerEncoding.Uleb128);
        Leb128.AddUnsigned(output, (ulong)callSiteTable.Count);
        output.AddRange(callSiteTable);
        output.AddRange(template.ActionTable.Span);
        if (template.HasTypeTable)
        {
            output.AddRange(new byte[padding]);
            ulong typeBase = lsdaAddress + (ulong)(output.Count + typesSize);
            for (int index = template.Types.Count; index >= 1; index--)
                AddTypeEntry(template.Types[index - 1], template.TypeTableEncoding, typeBase - (ulong)(index * entrySize), output);
            output.AddRange(template.ExceptionSpecifications.Span);
        }
        return [.. output];
    }

    private static List<byte> EncodeCallSites(Lsda template, IReadOnlyList<LsdaCallSite> callSites, ulong functionStart, ulong lpBase)
    {
        var table = new List<byte>(callSites.Count * 4);
        ulong previousEnd = functionStart;
        foreach (var callSite in callSites)
        {
            if (callSite.Start < previousEnd || callSite.End < callSite.Start)
                throw new ArgumentException($"call site [0x{callSite.Start:x}, 0x{callSite.End:x}) is out of order, overlaps, or starts before 0x{functionStart:x}");
            if (callSite.Action != 0 && callSite.Action - 1 >= (uint)template.ActionTable.Length)
                throw new ArgumentException($"call site action {callSite.Action} lies outside the action table");
            ulong landingPad = 0;
            if (callSite.LandingPad is ulong pad)
            {
                // Offset 0 means "no landing pad", so a pad exactly at LPStart cannot be expressed.
                if (pad <= lpBase)
                    throw new ArgumentException($"landing pad 0x{pad:x} is not after LPStart 0x{lpBase:x}");
                landingPad = pad - lpBase;
            }
            Leb128.AddUnsigned(table, callSite.Start - functionStart);
            Leb128.AddUnsigned(table, callSite.End - callSite.Start);
            Leb128.AddUnsigned(table, landingPad);
            Leb128.AddUnsigned(table, callSite.Action);
            previousEnd = callSite.End;
        }
        return table;
    }

    private static void AddTypeEntry(LsdaTypeEntry entry, byte encoding, ulong place, List<byte> output)
    {
        ulong value = entry.Address == 0 ? 0
            : (encoding & 0x70) == PointerEncoding.PcRelative ? entry.Address - place
            : entry.Address;
        Span<byte> bytes = stackalloc byte[8];
        int size = PointerEncoding.FixedSize(encoding);
        bool fits = (encoding & 0x0f) switch
        {
            PointerEncoding.UData2 => value <= ushort.MaxValue,
            PointerEncoding.SData2 => (long)value is >= short.MinValue and <= short.MaxValue,
            PointerEncoding.UData4 => value <= uint.MaxValue,
            PointerEncoding.SData4 => (long)value is >= int.MinValue and <= int.MaxValue,
            _ => true,
        };
        if (!fits)
            throw new ArgumentException($"type entry 0x{entry.Address:x} does not fit encoding 0x{encoding:x2} at 0x{place:x}");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        output.AddRange(bytes[..size]);
    }

    private static void AddSigned32(long value, List<byte> output, string what)
    {
        if (value is < int.MinValue or > int.MaxValue)
            throw new ArgumentException($"{what} is more than 2 GiB away from the LSDA");
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
        output.AddRange(bytes);
    }
}
