using Rewriter.CallFrames;
namespace Rewriter.Elf.EhFrame;

/// <summary>
/// One call-site record: calls in [Start, End) unwind to <see cref="LandingPad"/> (null: no
/// landing pad, unwinding continues in the caller). <see cref="Action"/> is 0 for a cleanup
/// only, else 1 + the offset of the first action record in the action table.
/// </summary>
public readonly record struct LsdaCallSite(ulong Start, ulong End, ulong? LandingPad, uint Action)
{
    public ulong Length => End - Start;
}

/// <summary>
/// An action record at <see cref="Offset"/> in the action table. <see cref="TypeFilter"/> &gt; 0
/// is a 1-based type-table index (a catch clause), 0 a cleanup, &lt; 0 an exception specification
/// (byte offset -filter-1 after the type table base). <see cref="Next"/> is the offset of the
/// next record, or null at the end of the chain.
/// </summary>
public readonly record struct LsdaAction(int Offset, long TypeFilter, int? Next);

/// <summary>
/// A type-table entry: the encoded value as stored and the address it resolves to (0 for a null
/// entry, i.e. catch(...)). With an indirect encoding the address is that of the pointer slot.
/// </summary>
public readonly record struct LsdaTypeEntry(ulong RawValue, ulong Address);

/// <summary>Conditions that make a function's exception handling impossible to rewrite safely.</summary>
[Flags]
public enum LsdaProblems
{
    None = 0,
    LandingPadOutsideFunction = 1,
    CallSiteOutsideFunction = 2,
    CallSitesOutOfOrder = 4,
}

/// <summary>
/// A parsed LSDA (.gcc_except_table, the Itanium C++ ABI format). All code positions are
/// absolute addresses. The action table, type table and exception-specification bytes are kept so
/// that <see cref="LsdaWriter"/> can rebuild the LSDA with a new call-site table.
/// </summary>
public sealed record Lsda(
    ulong Address,
    int Length,
    ulong FunctionStart,
    ulong FunctionEnd,
    byte LandingPadBaseEncoding,
    ulong LandingPadBase,
    byte TypeTableEncoding,
    byte CallSiteEncoding,
    IReadOnlyList<LsdaCallSite> CallSites,
    IReadOnlyList<LsdaAction> Actions,
    ReadOnlyMemory<byte> ActionTable,
    IReadOnlyList<LsdaTypeEntry> Types,
    ReadOnlyMemory<byte> ExceptionSpecifications,
    LsdaProblems Problems)
{
    public bool HasTypeTable => TypeTableEncoding != PointerEncoding.Omit;

    /// <summary>Landing pads in address order, without duplicates.</summary>
    public IEnumerable<ulong> LandingPads =>
        CallSites.Where(c => c.LandingPad.HasValue).Select(c => c.LandingPad!.Value).Distinct().Order();
}
