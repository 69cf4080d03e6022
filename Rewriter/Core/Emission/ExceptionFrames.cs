using System.Buffers.Binary;
using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Rebuilds unwind information for the new layout: an LSDA per moved fragment that had call
/// sites, a complete new .eh_frame (moved fragments get their CFI replayed along the new block
/// order; FDEs of code that stayed are re-encoded for their new position) and a sorted
/// .eh_frame_hdr. The unwinder finds them through PT_GNU_EH_FRAME, which is pointed at the new
/// header.
/// </summary>
public static class ExceptionFrames
{
    public sealed record Result(NewSection? ExceptTable, NewSection EhFrame, NewSection EhFrameHeader);

    public static Result? Build(BinaryContext context, EmittedCode code, ulong start)
    {
        if (context.EhFrame is not { } original || context.Elf.FindSection(".eh_frame") is not { } section)
            return null;
        var ehBytes = context.Elf.GetRawMemory(section);

        // 1. LSDAs, at addresses fixed before the FDEs that point at them.
        ulong cursor = start;
        var except = new List<byte>();
        var lsdaAddress = new Dictionary<(FunctionId, bool), ulong>();
        // A function copied whole keeps using its original LSDA: its call sites are relative to its start.
        foreach (var function in code.MovedFunctions.Where(f => f.Lsda != null && !code.CopiedWhole.Contains(f.Id)))
        {
            var placed = code.Functions[function.Id];
            foreach (bool cold in new[] { false, true })
            {
                var instructions = cold ? placed.ColdInstructions : placed.HotInstructions;
                ulong fragmentEnd = cold ? placed.ColdStart + placed.ColdSize : placed.HotStart + placed.HotSize;
                var sites = CallSites(function.Lsda!, instructions, fragmentEnd, code);
                if (sites.Count == 0)
                    continue;
                ulong address = NewSegmentLayout.AlignUp(cursor, 4);
                except.AddRange(new byte[address - cursor]);
                ulong fragmentStart = cold ? placed.ColdStart : placed.HotStart;
                var bytes = LsdaWriter.Write(function.Lsda!, sites, fragmentStart, address, cold ? placed.HotStart : null);
                except.AddRange(bytes);
                lsdaAddress[(function.Id, cold)] = address;
                cursor = address + (ulong)bytes.Length;
            }
        }
        ulong exceptStart = start;

        // 2. .eh_frame.
        ulong ehAddress = NewSegmentLayout.AlignUp(cursor, 8);
        var writer = new EhFrameWriter(ehAddress, ehBytes);
        foreach (var fde in original.Fdes)
            if (code.MovedFunctionContaining(fde.PcBegin) is not { } moved || code.CopiedWhole.Contains(moved.Id))
                writer.CopyFde(fde);
        foreach (var function in code.MovedFunctions)
        {
            if (code.CopiedWhole.Contains(function.Id))
            {
                if (function.Fde is { } own)
                    writer.CopyFde(own, code.Functions[function.Id].HotStart);
                continue;
            }
            if (function.Fde is not { } fde || function.Body?.Cfi is not { } table)
                continue;
            var placed = code.Functions[function.Id];
            writer.NewFde(fde.Cie, placed.HotStart, placed.HotSize, lsdaAddress.GetValueOrDefault((function.Id, false)),
                Program(table, placed.HotStart, placed.HotInstructions, fde.Cie));
            if (placed.IsSplit)
                writer.NewFde(fde.Cie, placed.ColdStart, placed.ColdSize, lsdaAddress.GetValueOrDefault((function.Id, true)),
                    Program(table, placed.ColdStart, placed.ColdInstructions, fde.Cie));
        }
        var eh = writer.Finish();

        // 3. .eh_frame_hdr: a binary-search table over every FDE, sorted by start address.
        ulong headerAddress = NewSegmentLayout.AlignUp(ehAddress + (ulong)eh.Length, 4);
        var header = BuildHeader(headerAddress, ehAddress, writer.FdeStarts);

        return new Result(
            except.Count > 0 ? new NewSection(".gcc_except_table", SectionType.ProgBits, SectionFlags.Alloc, exceptStart, 4, except.ToArray()) : null,
            new NewSection(".eh_frame", SectionType.ProgBits, SectionFlags.Alloc, ehAddress, 8, eh),
            new NewSection(".eh_frame_hdr", SectionType.ProgBits, SectionFlags.Alloc, headerAddress, 4, header));
    }

    /// <summary>The CFI program of a fragment: the input state at each output instruction, as transitions.</summary>
    private static byte[] Program(CfiTable table, ulong start, IReadOnlyList<EmittedInstruction> instructions, Cie cie)
    {
        var rows = instructions.Select(i => (i.Output, StateFor(table, i.Origin)));
        var encoding = CfiEncoding.Of(cie);
        return CfiWriter.Encode(CfiTransition.Program(table.Initial, start, rows, encoding), encoding);
    }

    private static CfiState StateFor(CfiTable table, ulong origin) =>
        table.StateAt(Math.Clamp(origin, table.Start, table.End - 1));

    /// <summary>
    /// The fragment's call-site table: output ranges of instructions whose input address lay in a
    /// call site, split where the landing pad or action changes, landing pads translated.
    /// </summary>
    private static List<LsdaCallSite> CallSites(Lsda lsda, IReadOnlyList<EmittedInstruction> instructions, ulong fragmentEnd, EmittedCode code)
    {
        var sites = new List<LsdaCallSite>();
        for (int i = 0; i < instructions.Count; i++)
        {
            var site = Find(lsda, instructions[i].Origin);
            if (site == null)
                continue;
            ulong end = i + 1 < instructions.Count ? instructions[i + 1].Output : fragmentEnd;
            ulong? pad = site.Value.LandingPad is { } lp ? code.Relocate(lp) : null;
            if (sites.Count > 0 && sites[^1].End == instructions[i].Output && sites[^1].LandingPad == pad && sites[^1].Action == site.Value.Action)
                sites[^1] = sites[^1] with { End = end };
            else
                sites.Add(new LsdaCallSite(instructions[i].Output, end, pad, site.Value.Action));
        }
        // A range ends where the next instruction starts, or at the fragment's end (a call to a
        // function that does not return, such as __cxa_throw, may come last).
        return sites;
    }

    private static LsdaCallSite? Find(Lsda lsda, ulong address)
    {
        foreach (var site in lsda.CallSites)
            if (address >= site.Start && address < site.End)
                return site;
        return null;
    }

    private static byte[] BuildHeader(ulong address, ulong ehAddress, List<(ulong Start, ulong Fde)> fdes)
    {
        var sorted = fdes.OrderBy(f => f.Start).ToList();
        var bytes = new byte[12 + sorted.Count * 8];
        bytes[0] = 1; // version
        bytes[1] = PointerEncoding.PcRelative | PointerEncoding.SData4;   // eh_frame_ptr
        bytes[2] = PointerEncoding.UData4;                                // fde_count
        bytes[3] = PointerEncoding.DataRelative | PointerEncoding.SData4; // table, relative to the header
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), checked((int)((long)ehAddress - (long)(address + 4))));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)sorted.Count);
        for (int i = 0; i < sorted.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12 + i * 8), checked((int)((long)sorted[i].Start - (long)address)));
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16 + i * 8), checked((int)((long)sorted[i].Fde - (long)address)));
        }
        return bytes;
    }

}
