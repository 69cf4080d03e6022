using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;

namespace Rewriter.Tests.EhFrame;

/// <summary>evaluate(encode(transitions(table))) must reproduce the table's rows.</summary>
public static class CfiRoundTrip
{
    public static void AssertReplayGivesSameRows(CfiTable table, CfiEncoding encoding)
    {
        var rows = table.Rows.Select(r => (r.Address, table.States[r.StateIndex]));
        byte[] program = CfiWriter.Encode(CfiTransition.Program(table.Initial, table.Start, rows, encoding), encoding);
        var replayed = CfiInterpreter.EvaluateProgram(program, 0, program.Length, "replay", encoding, table.Initial, table.Start, table.End);
        replayed.Rows.Select(r => (r.Address, replayed.States[r.StateIndex]))
            .ShouldBe(table.Rows.Select(r => (r.Address, table.States[r.StateIndex])));
    }
}
