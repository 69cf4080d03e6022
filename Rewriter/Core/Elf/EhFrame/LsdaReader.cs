using Rewriter.CallFrames;
using Rewriter.Common;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Elf.EhFrame;

/// <summary>
/// Parses a language-specific data area (GCC/clang C++ format) at a given address. Everything is
/// checked against the section bounds; malformed data raises <see cref="InputFormatException"/>,
/// while well-formed data that the rewriter cannot handle is reported in <see cref="Lsda.Problems"/>.
/// </summary>
public static class LsdaReader
{
    /// <summary>Reads the LSDA an FDE names, from whichever allocated section holds it.</summary>
    public static Lsda Read(ElfFile elf, Fde fde)
    {
        ulong address = fde.Lsda ?? throw new ArgumentException("the FDE has no LSDA", nameof(fde));
        foreach (var section in elf.Sections)
        {
            var header = section.Header;
            if (header.IsAllocated && header.HasFileContents && address >= header.Address && address - header.Address < header.Size)
            {
                var lsda = Read(elf.GetRawContents(section), header.Address, section.Name, address, fde.PcBegin, fde.PcEnd);
                // Type entries are re-encoded where the LSDA moves: pc-relative ones need a signed
                // format, and every entry must name something in the image.
                if (lsda.HasTypeTable && (lsda.TypeTableEncoding & 0x70) == PointerEncoding.PcRelative
                    && (lsda.TypeTableEncoding & 0x0f) is PointerEncoding.UData2 or PointerEncoding.UData4)
                    throw InputFormatException.At(section.Name, address - header.Address, $"type table encoding 0x{lsda.TypeTableEncoding:x2} stores pc-relative pointers unsigned");
                for (int i = 0; i < lsda.Types.Count; i++)
                    if (lsda.Types[i].Address is not 0 and var type && !elf.Sections.Any(s => s.Header.IsAllocated && type >= s.Header.Address && type - s.Header.Address < s.Header.Size))
                        throw InputFormatException.At(section.Name, address - header.Address, $"LSDA type entry {i + 1} names 0x{type:x}, which is in no section");
                return lsda;
            }
        }
        throw InputFormatException.At(".eh_frame", (ulong)fde.Offset, $"LSDA address 0x{address:x} is in no section");
    }

    /// <param name="data">The contents of the section holding the LSDA.</param>
    /// <param name="sectionAddress">The address of <paramref name="data"/>[0].</param>
    public static Lsda Read(ReadOnlySpan<byte> data, ulong sectionAddress, string sectionName, ulong lsdaAddress,
        ulong functionStart, ulong functionEnd)
    {
        if (lsdaAddress < sectionAddress || lsdaAddress - sectionAddress >= (ulong)data.Length)
            throw InputFormatException.At(sectionName, 0, $"LSDA address 0x{lsdaAddress:x} lies outside the section");
        int start = (int)(lsdaAddress - sectionAddress);
        var c = new ByteCursor(data, sectionName, start);

        byte lpStartEncoding = c.U8();
        ulong lpStart = functionStart;
        if (lpStartEncoding != PointerEncoding.Omit)
        {
            if ((lpStartEncoding & PointerEncoding.Indirect) != 0)
                throw c.Error($"indirect LPStart encoding 0x{lpStartEncoding:x2}");
            lpStart = PointerEncoding.Read(ref c, lpStartEncoding, sectionAddress, functionBase: functionStart);
        }

        byte typeEncoding = c.U8();
        int typeBase = -1; // section offset of the type table base (its end), if any
        if (typeEncoding != PointerEncoding.Omit)
        {
            if (PointerEncoding.FixedSize(typeEncoding) == 0)
                throw c.Error($"type table encoding 0x{typeEncoding:x2} has no fixed size");
            ulong typeOffset = c.Uleb();
            if (typeOffset > (ulong)(data.Length - c.Position))
                throw c.Error($"type table offset 0x{typeOffset:x} runs past the end of the section");
            typeBase = c.Position + (int)typeOffset;
        }

        byte callSiteEncoding = c.U8();
        if ((callSiteEncoding & 0xf0) != 0 || PointerEncoding.FixedSize(callSiteEncoding) == 0 && callSiteEncoding != PointerEncoding.Uleb128)
            throw c.Error($"unsupported call-site encoding 0x{callSiteEncoding:x2}");
        ulong callSiteTableLength = c.Uleb();
        if (callSiteTableLength > (ulong)(data.Length - c.Position))
            throw c.Error($"call-site table of 0x{callSiteTableLength:x} bytes runs past the end of the section");
        int actionTableStart = c.Position + (int)callSiteTableLength;

        var callSites = ReadCallSites(data[..actionTableStart], sectionName, c.Position, callSiteEncoding, functionStart, lpStart);

        // The action table has no length: it is at least whatever the call sites' action chains reach.
        int actionLimit = typeBase >= 0 ? typeBase : data.Length;
        if (actionLimit < actionTableStart)
            throw InputFormatException.At(sectionName, (ulong)actionTableStart, "the type table base lies inside the call-site table");
        var actions = ReadActions(data[..actionLimit], sectionName, actionTableStart, callSites, out int actionTableEnd);

        var types = new List<LsdaTypeEntry>();
        int specificationsEnd = typeBase;
        if (typeBase < 0)
        {
            if (actions.Values.Any(a => a.TypeFilter != 0))
                throw InputFormatException.At(sectionName, (ulong)actionTableStart, "actions refer to types but the LSDA has no type table");
        }
        else
        {
            int entrySize = PointerEncoding.FixedSize(typeEncoding);
            long typeCount = 0;
            foreach (var action in actions.Values)
                if (!TryReachTypes(data, typeBase, action.TypeFilter, ref typeCount, ref specificationsEnd))
                    throw InputFormatException.At(sectionName, (ulong)(actionTableStart + action.Offset),
                        $"exception specification {action.TypeFilter} runs past the end of the section");
            if (typeCount > (typeBase - actionTableEnd) / entrySize)
                throw InputFormatException.At(sectionName, (ulong)typeBase,
                    $"type index {typeCount} reaches below the type table (0x{typeBase - actionTableEnd:x} bytes after the action table)");
            IncludeUnreferencedActions(data, actionTableStart, typeBase, entrySize, actions, ref actionTableEnd, ref typeCount, ref specificationsEnd);
            for (int index = 1; index <= typeCount; index++)
                types.Add(ReadTypeEntry(data, sectionName, typeBase - index * entrySize, typeEncoding, sectionAddress));
        }
        int end = Math.Max(actionTableEnd, specificationsEnd);

        return new Lsda(
            lsdaAddress, end - start, functionStart, functionEnd, lpStartEncoding, lpStart, typeEncoding, callSiteEncoding,
            callSites, [.. actions.Values], data[actionTableStart..actionTableEnd].ToArray(), types,
            typeBase >= 0 ? data[typeBase..specificationsEnd].ToArray() : ReadOnlyMemory<byte>.Empty,
            FindProblems(callSites, functionStart, functionEnd));
    }

    private static List<LsdaCallSite> ReadCallSites(ReadOnlySpan<byte> table, string sectionName, int position,
        byte encoding, ulong functionStart, ulong lpStart)
    {
        var c = new ByteCursor(table, sectionName, position);
        var callSites = new List<LsdaCallSite>();
        while (!c.AtEnd)
        {
            int at = c.Position;
            ulong start = PointerEncoding.Read(ref c, encoding, 0);
            ulong length = PointerEncoding.Read(ref c, encoding, 0);
            ulong landingPad = PointerEncoding.Read(ref c, encoding, 0);
            ulong action = c.Uleb();
            if (start > ulong.MaxValue - functionStart || length > ulong.MaxValue - functionStart - start)
                throw InputFormatException.At(sectionName, (ulong)at, "call-site range overflows the address space");
            if (landingPad != 0 && landingPad > ulong.MaxValue - lpStart)
                throw InputFormatException.At(sectionName, (ulong)at, "landing pad overflows the address space");
            if (action > uint.MaxValue)
                throw InputFormatException.At(sectionName, (ulong)at, $"action offset 0x{action:x} is too large");
            callSites.Add(new LsdaCallSite(functionStart + start, functionStart + start + length,
                landingPad == 0 ? null : lpStart + landingPad, (uint)action));
        }
        return callSites;
    }

    /// <summary>Follows every call site's action chain; records are returned in offset order.</summary>
    private static SortedDictionary<int, LsdaAction> ReadActions(ReadOnlySpan<byte> data, string sectionName, int tableStart,
        List<LsdaCallSite> callSites, out int tableEnd)
    {
        var byOffset = new SortedDictionary<int, LsdaAction>();
        tableEnd = tableStart;
        foreach (var callSite in callSites)
        {
            if (callSite.Action == 0)
                continue;
            long offset = callSite.Action - 1L;
            while (true)
            {
                if (offset < 0 || offset >= data.Length - tableStart)
                    throw InputFormatException.At(sectionName, (ulong)tableStart, $"action record at +0x{offset:x} lies outside the action table");
                if (byOffset.ContainsKey((int)offset))
                    break; // already followed from here (chains share tails)
                var c = new ByteCursor(data, sectionName, tableStart + (int)offset);
                long filter = c.Sleb();
                int nextField = c.Position;
                long displacement = c.Sleb();
                tableEnd = Math.Max(tableEnd, c.Position);
                int? next = null;
                if (displacement != 0)
                {
                    long target = nextField - tableStart + displacement;
                    if (target < 0 || target >= data.Length - tableStart)
                        throw InputFormatException.At(sectionName, (ulong)nextField, $"next action at +0x{target:x} lies outside the action table");
                    next = (int)target;
                }
                byOffset.Add((int)offset, new LsdaAction((int)offset, filter, next));
                if (next is not int n)
                    break;
                offset = n;
            }
        }
        // A chain that loops back on itself never ends the unwinder's search. Walk each chain
        // once, stopping at records already known to end.
        var ends = new HashSet<int>();
        foreach (var action in byOffset.Values)
        {
            var walk = new HashSet<int>();
            for (int? at = action.Offset; at is int a && !ends.Contains(a); at = byOffset[a].Next)
                if (!walk.Add(a))
                    throw InputFormatException.At(sectionName, (ulong)(tableStart + a), "action chain loops");
            ends.UnionWith(walk);
        }
        return byOffset;
    }

    /// <summary>
    /// Widens the type count and the end of the exception specifications to what a type filter
    /// needs; false if an exception specification runs off the section.
    /// </summary>
    private static bool TryReachTypes(ReadOnlySpan<byte> data, int typeBase, long filter, ref long typeCount, ref int specificationsEnd)
    {
        if (filter > 0)
        {
            typeCount = Math.Max(typeCount, filter);
            return true;
        }
        if (filter == 0)
            return true;
        long offset = -(filter + 1);
        if (offset >= data.Length - typeBase)
            return false;
        long count = typeCount;
        int position = typeBase + (int)offset;
        while (true)
        {
            if (!Leb128.TryReadUnsigned(data, ref position, out ulong index))
                return false;
            if (index == 0)
                break;
            count = Math.Max(count, index > long.MaxValue ? long.MaxValue : (long)index);
        }
        typeCount = count;
        specificationsEnd = Math.Max(specificationsEnd, position);
        return true;
    }

    /// <summary>
    /// GCC gives every fragment of a split function (foo and foo.cold) the whole function's action
    /// and type tables, so records no call site of this LSDA uses still belong to it. Records are
    /// contiguous from the start of the table; take them while they are well-formed and stay clear
    /// of the type entries they imply, so a rebuilt LSDA keeps the same action offsets.
    /// </summary>
    private static void IncludeUnreferencedActions(ReadOnlySpan<byte> data, int tableStart, int typeBase, int entrySize,
        SortedDictionary<int, LsdaAction> actions, ref int tableEnd, ref long typeCount, ref int specificationsEnd)
    {
        int referencedEnd = tableEnd;
        int position = tableStart;
        var added = new List<(int Start, int End)>();
        while (true)
        {
            int typesStart = typeBase - (int)typeCount * entrySize;
            int recordStart = position;
            var beforeTypes = data[..Math.Clamp(typesStart, 0, data.Length)];
            if (!Leb128.TryReadSigned(beforeTypes, ref position, out long filter))
                break;
            int nextField = position;
            if (!Leb128.TryReadSigned(beforeTypes, ref position, out long displacement))
                break;
            long count = typeCount;
            int specEnd = specificationsEnd;
            if (!TryReachTypes(data, typeBase, filter, ref count, ref specEnd) || count > (typeBase - position) / entrySize)
                break;
            long next = nextField - tableStart + displacement;
            if (displacement != 0 && (next < 0 || next >= typesStart - tableStart))
                break;
            int offset = recordStart - tableStart;
            if (!actions.ContainsKey(offset))
            {
                actions.Add(offset, new LsdaAction(offset, filter, displacement == 0 ? null : (int)next));
                added.Add((recordStart, position));
            }
            typeCount = count;
            specificationsEnd = specEnd;
            tableEnd = Math.Max(tableEnd, position);
        }
        // Zero bytes that align the type table read as empty records: drop them again.
        while (added.Count > 0 && added[^1].End == tableEnd && tableEnd > referencedEnd)
        {
            var (recordStart, recordEnd) = added[^1];
            var record = actions[recordStart - tableStart];
            int typesStart = typeBase - (int)typeCount * entrySize;
            if (record.TypeFilter != 0 || record.Next != null || typesStart - recordStart >= entrySize)
                break;
            actions.Remove(recordStart - tableStart);
            added.RemoveAt(added.Count - 1);
            tableEnd = Math.Max(referencedEnd, recordStart);
        }
    }

    private static LsdaTypeEntry ReadTypeEntry(ReadOnlySpan<byte> data, string sectionName, int position, byte encoding, ulong sectionAddress)
    {
        var c = new ByteCursor(data, sectionName, position);
        ulong place = sectionAddress + (ulong)position;
        ulong raw = PointerEncoding.Read(ref c, (byte)(encoding & 0x0f), 0);
        if (raw == 0)
            return new LsdaTypeEntry(0, 0); // catch(...) or a null entry, whatever the encoding
        ulong address = (encoding & 0x70) switch
        {
            0 => raw,
            PointerEncoding.PcRelative => place + raw,
            _ => throw InputFormatException.At(sectionName, (ulong)position, $"unsupported type table encoding 0x{encoding:x2}"),
        };
        return new LsdaTypeEntry(raw, address);
    }

    private static LsdaProblems FindProblems(List<LsdaCallSite> callSites, ulong functionStart, ulong functionEnd)
    {
        var problems = LsdaProblems.None;
        ulong previousEnd = functionStart;
        foreach (var callSite in callSites)
        {
            if (callSite.Start < functionStart || callSite.End > functionEnd)
                problems |= LsdaProblems.CallSiteOutsideFunction;
            if (callSite.LandingPad is ulong pad && (pad < functionStart || pad >= functionEnd))
                problems |= LsdaProblems.LandingPadOutsideFunction;
            // The personality routine stops at the first call site past the pc, so order matters.
            if (callSite.Start < previousEnd)
                problems |= LsdaProblems.CallSitesOutOfOrder;
            previousEnd = callSite.End;
        }
        return problems;
    }
}
