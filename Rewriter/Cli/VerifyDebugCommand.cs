using McMaster.Extensions.CommandLineUtils;

namespace Rewriter.Cli;

/// <summary>`rewriter verify-debug ORIGINAL REWRITTEN` — wired once the DWARF reader lands.</summary>
public static class VerifyDebugCommand
{
    public static void Register(CommandLineApplication app, TextWriter stdout, TextWriter stderr)
    {
    }
}
