namespace Rewriter.Cli;

/// <summary>
/// llvm-bolt options (from its optimization guide and the command lines built on it) that the
/// rewriter does not implement. Where a value asks for nothing observable — the option is off, or
/// what it works around does not happen here — it is accepted with one `RW-WARNING:`; any other
/// use is refused with a one-line error naming the option, never silently dropped. The README's
/// option table lists the same options.
/// </summary>
public static class BoltOnlyOptions
{
    /// <param name="Name">The option's name without dashes.</param>
    /// <param name="TakesValue">Whether `-name VALUE` consumes the next argument (boolean options do not).</param>
    /// <param name="IsHarmless">True for the values that change nothing observable here (null: given without a value).</param>
    /// <param name="Explanation">Why it is ignored or refused.</param>
    public sealed record Entry(string Name, bool TakesValue, Func<string?, bool> IsHarmless, string Explanation);

    private static bool Off(string? value) => value is "0" or "false" or "none";
    private static bool Never(string? value) => false;

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("use-gnu-stack", false, value => true,
            "the program-header table keeps its place, so the new segment needs no borrowed PT_GNU_STACK entry (and the stack stays non-executable)"),
        new("icf", false, Off, "identical code folding is not implemented"),
        new("inline-all", false, Off, "inlining is not implemented"),
        new("inline-small-functions", false, Off, "inlining is not implemented"),
        new("inline-ap", false, Off, "inlining is not implemented"),
        new("indirect-call-promotion", true, Off, "indirect call promotion is not implemented"),
        new("frame-opt", true, Off, "frame optimizations are not implemented"),
        new("peepholes", true, Off, "peephole optimizations are not implemented"),
        new("plt", true, Off, "PLT call optimization is not implemented"),
        new("jump-tables", true, Off, "jump-table optimizations are not implemented (jump tables stay where they are and are patched)"),
        new("simplify-conditional-tail-calls", false, Off, "conditional tail-call simplification is not implemented"),
        new("reorder-functions-use-hot-size", false, Off, "function ordering uses whole function sizes"),
        new("split-strategy", true, value => value is "profile2", "only the profile-based two-way split (profile2) is implemented"),
        new("hugify", false, Off, "huge-page remapping is not implemented"),
        new("hot-text", false, Off, "__hot_start/__hot_end symbols are not emitted"),
        new("enable-bat", false, Off, "BOLT address translation tables are not written (the address map note .note.rewriter.addrmap serves verify-debug)"),
        new("instrument", false, Off, "instrumentation is not implemented: profile with llvm-bolt-22 -instrument and pass its .fdata with -data"),
        new("instrumentation-file", true, Never, "instrumentation is not implemented: profile with llvm-bolt-22 -instrument"),
        new("relocs", false, Never, "relocation mode is chosen from the input: on when it was linked with --emit-relocs"),
        new("w", true, Never, "saving the profile is not implemented"),
    ];

    public static Entry? Find(string name) => All.FirstOrDefault(e => e.Name == name);
}
