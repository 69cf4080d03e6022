using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Model;

/// <summary>Index of a function in <see cref="BinaryContext.Functions"/>.</summary>
public readonly record struct FunctionId(int Value)
{
    public override string ToString() => $"#{Value}";
}

public enum FunctionKind
{
    /// <summary>An ordinary function from the symbol table or an FDE.</summary>
    Regular,
    /// <summary>A PLT entry: a pseudo-function calls go through.</summary>
    Plt,
    /// <summary>GCC's `foo.cold` / `foo.cold.N` part of a function split by the compiler.</summary>
    ColdFragment,
}

/// <summary>
/// A function of the input: where it is, what it is called, and — once analysed — its body.
/// A function that cannot be analysed safely carries the reason and is kept as it is.
/// </summary>
public sealed class BinaryFunction
{
    public required FunctionId Id { get; init; }
    /// <summary>The primary name: the first global symbol at the address, else the first local one.</summary>
    public required string Name { get; init; }
    /// <summary>Every symbol name at the function's address, primary first.</summary>
    public required IReadOnlyList<string> Names { get; init; }
    /// <summary>Names as a profile spells them: `name`, or `name/N` and `name/file/N` for local symbols.</summary>
    public required IReadOnlyList<string> ProfileNames { get; init; }
    public required ulong Address { get; init; }
    public required ulong Size { get; init; }
    public required ElfSection Section { get; init; }
    public required FunctionKind Kind { get; init; }
    public Fde? Fde { get; init; }
    public bool IsLocal { get; init; }

    public ulong End => Address + Size;

    /// <summary>For a cold fragment, the function it was split from.</summary>
    public FunctionId? Parent { get; set; }
    public List<FunctionId> Fragments { get; } = [];
    /// <summary>Addresses other than <see cref="Address"/> where control may enter (other symbols inside).</summary>
    public List<ulong> SecondaryEntries { get; } = [];

    /// <summary>
    /// The profile says the function ran but holds no edge inside it (llvm-bolt could not
    /// instrument it, say): its block counts beyond the entry are unknown, not zero, so block
    /// layout and splitting leave it alone.
    /// </summary>
    public bool BlockCountsUnknown { get; set; }

    /// <summary>
    /// Not laid out (lite mode: it has no profile): it keeps its code and place, like a non-simple
    /// function, but is not counted as one. It is decoded (no CFG) so that its references to
    /// moved code can follow that code.
    /// </summary>
    public bool IsSkipped { get; set; }

    /// <summary>Null for a function whose layout may be changed; otherwise why it may not.</summary>
    public string? NonSimpleReason { get; private set; }
    public bool IsSimple => NonSimpleReason == null && !IsSkipped;

    public FunctionBody? Body { get; set; }

    /// <summary>The parsed LSDA (exception call sites and landing pads), when the function has one.</summary>
    public Lsda? Lsda { get; set; }

    /// <summary>Calls into the function from the profile (entry count); 0 without a profile.</summary>
    public ulong ExecutionCount { get; set; }
    public bool HasProfile { get; set; }

    /// <summary>Marks the function non-simple; the first reason found is kept.</summary>
    public void MarkNonSimple(string reason) => NonSimpleReason ??= reason;

    public bool Contains(ulong address) => address >= Address && address < End;

    public override string ToString() => Name;
}
