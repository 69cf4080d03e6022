using Rewriter.Diagnostics;
using Rewriter.Model;

namespace Rewriter.Passes;

/// <summary>
/// One layout pass. A pass only changes <see cref="PassContext.Layout"/>; the analysed program
/// (<see cref="PassContext.Binary"/>) is read-only to it.
/// </summary>
public interface IBinaryPass
{
    /// <summary>The name `--print-after` and `--time-rewrite` use (BOLT's pass names where one exists).</summary>
    string Name { get; }

    void Run(PassContext context);
}

/// <summary>What every pass sees: the program, the layout being decided, the options and the log.</summary>
public sealed class PassContext(BinaryContext binary, BinaryLayout layout, LayoutOptions options, Log log, TextWriter? printOutput = null)
{
    public BinaryContext Binary { get; } = binary;
    public BinaryLayout Layout { get; } = layout;
    public LayoutOptions Options { get; } = options;
    public Log Log { get; } = log;
    /// <summary>Where `--print-after` writes (standard output in the CLI).</summary>
    public TextWriter PrintOutput { get; } = printOutput ?? TextWriter.Null;

    public BinaryFunction FunctionOf(FunctionLayout layout) => Binary.Functions[layout.Function.Value];
}
