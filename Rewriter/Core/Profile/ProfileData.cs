namespace Rewriter.Profile;

/// <summary>A place in a profile: `kind name offset` (kind 1 symbol, 2 local symbol, 0 address in a DSO or unknown).</summary>
public readonly record struct ProfileLocation(int Kind, string Name, ulong Offset)
{
    public bool IsSymbol => Kind is 1 or 2;
    public override string ToString() => $"{Name}+0x{Offset:x}";
}

/// <summary>An aggregated branch (or fall-through, call, return) with its count.</summary>
public readonly record struct BranchRecord(ProfileLocation From, ProfileLocation To, ulong Mispredicts, ulong Count);

/// <summary>A sample (no_lbr mode): how many times an address was sampled.</summary>
public readonly record struct SampleRecord(ProfileLocation At, ulong Count);

/// <summary>The contents of a .fdata file.</summary>
public sealed class ProfileData
{
    /// <summary>True for a `no_lbr` sample profile; branch records are then absent.</summary>
    public bool IsSampleProfile { get; init; }
    /// <summary>The sampled event named on the `no_lbr` line (e.g. cycles, cpu-clock), if any.</summary>
    public string? SampleEvent { get; init; }
    public required IReadOnlyList<BranchRecord> Branches { get; init; }
    public required IReadOnlyList<SampleRecord> Samples { get; init; }
}
