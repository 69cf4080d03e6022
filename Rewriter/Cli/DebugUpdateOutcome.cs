using Rewriter.Common.Spooling;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;

namespace Rewriter.Cli;

/// <summary>
/// A file written beside the output program: a rewritten .dwo (or a package), made from <see cref="Source"/>
/// (opened from <see cref="InputPath"/>) by <see cref="Request"/>.
/// </summary>
public sealed record CompanionOutput(string Path, string InputPath, ElfFile Source, ElfRewriteRequest Request);

/// <summary>
/// What the debug update gives the writer: the program's request and the split files to write
/// with it. It owns the opened split files, which the requests' sections view, and the spool the
/// program's rebuilt debug sections are read from.
/// </summary>
public sealed record DebugUpdateOutcome(ElfRewriteRequest Request, IReadOnlyList<CompanionOutput> Companions, SplitDwarfFiles? SplitFiles = null,
    SpoolFile? Spool = null) : IDisposable
{
    /// <summary>Every split file read (a package made of several .dwo files has one companion for them all): no output may replace one.</summary>
    public IEnumerable<string> SplitInputPaths => SplitFiles?.Files.Select(f => f.Path) ?? [];

    public void Dispose()
    {
        SplitFiles?.Dispose();
        Spool?.Dispose();
    }
}
