using Rewriter.DebugUpdate.Addresses;
using Rewriter.Diagnostics;
using Rewriter.Elf.EhFrame;

namespace Rewriter.DebugUpdate.Frames;

/// <summary>
/// Rebuilds .debug_frame for the new layout. Entries keep their input order: CIEs and the FDEs of
/// code that stayed are copied; the FDE of a moved function becomes one FDE per output fragment
/// whose CFI program reaches, at every output instruction, the state its input instruction had
/// (the same re-split Core's .eh_frame rebuild makes); a function whose code is all gone loses its
/// FDE. What cannot be rewritten faithfully makes the whole section go, never a stale part.
/// </summary>
public static class DebugFrameRewriter
{
    public const string SectionName = ".debug_frame";

    /// <summary>The rebuilt section, or null and why it cannot be rebuilt.</summary>
    public static (ReadOnlyMemory<byte>? Section, string? Problem) Rewrite(ReadOnlyMemory<byte> input, CodeAddressMap map)
    {
        try
        {
            return (Build(input, map), null);
        }
        catch (InputFormatException e)
        {
            return (null, e.Message);
        }
        catch (UnrewritableFrameException e)
        {
            return (null, e.Message);
        }
    }

    private static ReadOnlyMemory<byte> Build(ReadOnlyMemory<byte> input, CodeAddressMap map)
    {
        var table = CallFrameReader.Read(input.Span, 0, SectionName, CallFrameSection.DebugFrame);
        var interpreter = new CfiInterpreter(input, 0, SectionName);
        var writer = new DebugFrameWriter(input);
        var instructions = new List<(ulong Input, ulong Output)>();
        var rewrittenFunctions = new HashSet<ulong>();
        int nextCie = 0;
        foreach (var fde in table.Fdes)
        {
            // Every CIE before this FDE, in input order (a CIE precedes the FDEs that name it).
            while (nextCie < table.Cies.Count && table.Cies[nextCie].Offset < fde.Offset)
                writer.CopyCie(table.Cies[nextCie++]);
            if (fde.PcRange == 0 || !map.TouchesMovedCode(fde.PcBegin, fde.PcEnd))
            {
                writer.CopyFde(fde);
                continue;
            }
            var fragments = MovedFunction(fde, map);
            // Two FDEs for one function would give its fragments two descriptions each.
            if (!rewrittenFunctions.Add(fde.PcBegin))
                throw new UnrewritableFrameException($"the FDE at 0x{fde.Offset:x} is a second one for the moved function at 0x{fde.PcBegin:x}");
            RejectSetLoc(input.Span, fde);
            var cfi = interpreter.Evaluate(fde);
            foreach (var fragment in fragments)
            {
                instructions.Clear();
                map.InstructionsIn(fragment.InputStart, fragment.InputEnd, instructions);
                var rows = FragmentRows.Of(cfi, fragment, instructions, map);
                if (rows.Count == 0)
                    continue; // the fragment holds none of this function's instructions any more
                writer.NewFde(fde, fragment.OutputStart, fragment.OutputSize, Program(cfi, fragment.OutputStart, rows, fde));
            }
        }
        while (nextCie < table.Cies.Count)
            writer.CopyCie(table.Cies[nextCie++]);
        return writer.Finish();
    }

    /// <summary>The fragments of the moved function the FDE describes: it must start at the function's entry and stay inside it.</summary>
    private static ReadOnlySpan<CodeAddressMap.Fragment> MovedFunction(Fde fde, CodeAddressMap map)
    {
        var fragments = map.FragmentsOfFunctionsIn(fde.PcBegin, fde.PcBegin + 1);
        if (fragments.IsEmpty || fde.PcEnd > fragments[0].InputEnd)
            throw new UnrewritableFrameException($"the FDE at 0x{fde.Offset:x} for [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x}) does not describe one moved function");
        return fragments;
    }

    /// <summary>An absolute location inside moved code would keep naming the old address.</summary>
    private static void RejectSetLoc(ReadOnlySpan<byte> input, Fde fde)
    {
        var reader = new CfiInstructionReader(input, fde.InstructionsOffset, fde.InstructionsLength, SectionName, CfiEncoding.Of(fde.Cie));
        while (reader.TryRead(out var instruction))
            if (instruction.Kind == CfiInstructionKind.SetLoc)
                throw new UnrewritableFrameException($"the FDE at 0x{fde.Offset:x} for moved code at 0x{fde.PcBegin:x} uses DW_CFA_set_loc");
    }

    private static byte[] Program(CfiTable cfi, ulong start, List<(ulong Address, CfiState State)> rows, Fde fde)
    {
        var encoding = CfiEncoding.Of(fde.Cie);
        try
        {
            return CfiWriter.Encode(CfiTransition.Program(cfi.Initial, start, rows, encoding), encoding);
        }
        catch (ArgumentException e)
        {
            throw new UnrewritableFrameException($"the CFI of the FDE at 0x{fde.Offset:x} cannot be re-encoded for its new layout: {e.Message}");
        }
    }

    private sealed class UnrewritableFrameException(string message) : Exception(message);
}
