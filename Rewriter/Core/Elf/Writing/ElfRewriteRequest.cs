namespace Rewriter.Elf.Writing;

/// <summary>Bytes to lay over the original image at a file offset (for example a patched reference).</summary>
public readonly record struct ImagePatch(ulong Offset, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Everything that changes between the input and the output file. What is not named here is
/// copied: allocated content stays at its offsets and addresses, non-allocated sections are
/// carried over as they were.
/// </summary>
public sealed class ElfRewriteRequest
{
    /// <summary>Add a new PT_LOAD (with a relocated program-header table) even if it has no sections.</summary>
    public bool ForceNewSegment { get; init; }

    /// <summary>Sections for the new segment, addresses assigned from <see cref="NewSegmentLayout"/>.</summary>
    public IReadOnlyList<NewSection> NewSections { get; init; } = [];

    /// <summary>New contents for non-allocated sections, by input section index.</summary>
    public IReadOnlyDictionary<int, ReadOnlyMemory<byte>> ReplacedSections { get; init; } = new Dictionary<int, ReadOnlyMemory<byte>>();

    /// <summary>Overlays on the original image, applied while it is copied.</summary>
    public IReadOnlyList<ImagePatch> Patches { get; init; } = [];

    public ulong? NewEntry { get; init; }

    public bool AddsSegment => ForceNewSegment || NewSections.Count > 0;
}
