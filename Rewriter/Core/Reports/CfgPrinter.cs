using Iced.Intel;
using Rewriter.Model;

namespace Rewriter.Reports;

/// <summary>
/// `--print-cfg`: per function its blocks, instructions (AT&amp;T syntax), edges and counts, in a
/// stable text format meant for FileCheck.
/// </summary>
public static class CfgPrinter
{
    public static void Print(BinaryContext context, TextWriter output, Func<BinaryFunction, bool>? filter = null)
    {
        var formatter = new GasFormatter();
        formatter.Options.FirstOperandCharIndex = 0;
        formatter.Options.GasShowMnemonicSizeSuffix = false;
        var text = new StringOutput();
        foreach (var function in context.Functions)
        {
            if (function.Kind == FunctionKind.Plt || (filter != null && !filter(function)))
                continue;
            string state = function.IsSimple ? "simple" : $"non-simple: {function.NonSimpleReason}";
            output.WriteLine($"function {function.Name} at 0x{function.Address:x} size 0x{function.Size:x}: {state}");
            if (function.HasProfile)
                output.WriteLine($"  exec count {function.ExecutionCount}");
            if (function.Body is not { Blocks.Length: > 0 } body)
                continue;
            foreach (var table in body.JumpTables)
                output.WriteLine($"  jump table at 0x{table.Address:x} ({table.Kind}, {table.Targets.Count} entries) used at 0x{body.Instructions[table.JumpInstruction].IP:x}");
            foreach (var block in body.Blocks)
            {
                var flags = new List<string>();
                if (block.IsEntry) flags.Add("entry");
                if (block.IsLandingPad) flags.Add("landing-pad");
                string count = function.HasProfile ? $" count {block.ExecutionCount}" : "";
                output.WriteLine($"  block {block.Index} [0x{block.Address:x}, 0x{block.End:x}) {block.InstructionCount} instructions{count}{(flags.Count > 0 ? " " + string.Join(' ', flags) : "")}");
                for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
                {
                    formatter.Format(body.Instructions[i], text);
                    output.WriteLine($"    0x{body.Instructions[i].IP:x}: {text.ToStringAndReset()}");
                }
                foreach (var edge in block.Successors)
                {
                    string edgeCount = function.HasProfile ? $" count {edge.Count}" : "";
                    output.WriteLine($"    -> block {edge.Target} {edge.Kind.ToString().ToLowerInvariant()}{edgeCount}");
                }
                foreach (var pad in block.LandingPads)
                    output.WriteLine($"    unwinds to block {pad}");
            }
        }
    }
}
