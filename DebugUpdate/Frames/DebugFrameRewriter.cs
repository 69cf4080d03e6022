using Rewriter.DebugUpdate.Addresses;
using Rewriter.Diagnostics;
using Rewriter.CallFrames;

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

    /// <summary>The rebuilt section, or null and why it cannot be rebuilt. The output does not depend on <paramref name="threadCount"/>.</summary>
    public static (ReadOnlyMemory<byte>? Section, string? Problem) Rewrite(ReadOnlyMemory<byte> input, CodeAddressMap map, int threadCount = 1)
    {
        try
        {
            return (Build(input, map, threadCount), null);
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

    private static ReadOnlyMemory<byte> Build(ReadOnlyMemory<byte> input, CodeAddressMap map, int threadCount)
    {
        var table = CallFrameReader.Read(input.Span, 0, SectionName, CallFrameSection.DebugFrame);
        var fdes = table.Fdes;
        var moved = DescribingMovedCode(input.Span, fdes, map);

        // PERF: the FDEs of moved functions are re-split in parallel, then written in input order.
        var interpreter = new CfiInterpreter(input, 0, SectionName);
        var programs = new List<(CodeAddressMap.Fragment Fragment, byte[] Program)>?[fdes.Count];
        var failures = new Exception?[fdes.Count];
        Parallel.For(0, fdes.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threadCount) },
            () => new List<(ulong Input, ulong Output)>(),
            (i, _, instructions) =>
            {
                if (moved[i])
                {
                    try
                    {
                        programs[i] = FragmentPrograms(fdes[i], interpreter.Evaluate(fdes[i]), map, instructions);
                    }
                    catch (Exception e) when (e is InputFormatException or UnrewritableFrameException)
                    {
                        failures[i] = e;
                    }
                }
                return instructions;
            },
            _ => { });
        // The first FDE's problem, whatever thread met it first.
        if (failures.FirstOrDefault(e => e != null) is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

        var writer = new DebugFrameWriter(input);
        int nextCie = 0;
        for (int i = 0; i < fdes.Count; i++)
        {
            // Every CIE before this FDE, in input order (a CIE precedes the FDEs that name it).
            while (nextCie < table.Cies.Count && table.Cies[nextCie].Offset < fdes[i].Offset)
                writer.CopyCie(table.Cies[nextCie++]);
            if (!moved[i])
                writer.CopyFde(fdes[i]);
            else
                foreach (var (fragment, program) in programs[i]!)
                    writer.NewFde(fdes[i], fragment.OutputStart, fragment.OutputSize, program);
        }
        while (nextCie < table.Cies.Count)
            writer.CopyCie(table.Cies[nextCie++]);
        return writer.Finish();
    }

    /// <summary>Which FDEs describe moved code, each checked to be rewritable (the others stay as they are).</summary>
    private static bool[] DescribingMovedCode(ReadOnlySpan<byte> input, IReadOnlyList<Fde> fdes, CodeAddressMap map)
    {
        var moved = new bool[fdes.Count];
        var functions = new HashSet<ulong>();
        for (int i = 0; i < fdes.Count; i++)
        {
            var fde = fdes[i];
            if (fde.PcRange == 0 || !map.TouchesMovedCode(fde.PcBegin, fde.PcEnd))
                continue;
            MovedFunction(fde, map);
            // Two FDEs for one function would give its fragments two descriptions each.
            if (!functions.Add(fde.PcBegin))
                throw new UnrewritableFrameException($"the FDE at 0x{fde.Offset:x} is a second one for the moved function at 0x{fde.PcBegin:x}");
            RejectSetLoc(input, fde);
            moved[i] = true;
        }
        return moved;
    }

    /// <summary>The CFI program of each output fragment of the function; a fragment left without its instructions gets none.</summary>
    private static List<(CodeAddressMap.Fragment, byte[])> FragmentPrograms(Fde fde, CfiTable cfi, CodeAddressMap map, List<(ulong Input, ulong Output)> instructions)
    {
        var programs = new List<(CodeAddressMap.Fragment, byte[])>();
        var fragments = MovedFunction(fde, map);
        instructions.Clear();
        map.InstructionsIn(fragments[0].InputStart, fragments[0].InputEnd, instructions);
        foreach (var fragment in fragments)
        {
            var rows = FragmentRows.Of(cfi, fragment, instructions, map);
            if (rows.Count > 0)
                programs.Add((fragment, Program(cfi, fragment.OutputStart, rows, fde)));
        }
        return programs;
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
