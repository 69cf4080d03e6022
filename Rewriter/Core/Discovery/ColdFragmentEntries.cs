using Iced.Intel;
using Rewriter.Elf.Reading;
using Rewriter.Model;

namespace Rewriter.Discovery;

/// <summary>
/// Where a compiler-split cold fragment (gcc's `foo.cold`) goes back into its parent: the targets
/// inside the parent of the fragment's branches and RIP-relative operands. They become entries of
/// the parent — block starts that stay hot, and that the fragment's jumps are re-aimed at through
/// the address map — so the parent is laid out like any other function while the fragment, whose
/// code the parent jumps into anywhere, is still moved whole.
/// </summary>
public static class ColdFragmentEntries
{
    /// <summary>The addresses inside <paramref name="parent"/> (not its start) that <paramref name="fragment"/> names, in order; null when the fragment does not decode cleanly.</summary>
    public static List<ulong>? Find(ElfFile elf, BinaryFunction fragment, BinaryFunction parent)
    {
        var section = fragment.Section;
        if (!section.Header.HasFileContents || fragment.Address < section.Header.Address
            || fragment.End > section.Header.Address + (ulong)elf.GetRawContents(section).Length)
            return null;
        var bytes = elf.GetRawContents(section).Slice((int)(fragment.Address - section.Header.Address), (int)fragment.Size).ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), fragment.Address);
        var entries = new SortedSet<ulong>();
        while (decoder.IP < fragment.End)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid || instruction.NextIP > fragment.End)
                return null;
            ulong target = instruction.Op0Kind == OpKind.NearBranch64 ? instruction.NearBranchTarget
                : instruction.IsIPRelativeMemoryOperand ? instruction.IPRelativeMemoryAddress : 0;
            if (parent.Contains(target) && target != parent.Address)
                entries.Add(target);
        }
        return entries.ToList();
    }
}
