namespace Rewriter.Elf.Writing;

/// <summary>Bytes to lay over the original image at a file offset (for example a patched reference).</summary>
public readonly record struct ImagePatch(ulong Offset, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// New contents of an existing non-allocated section, as chunks written in order (so a producer
/// never joins its output into one array). Flags and sh_info are replaced together with the bytes:
/// a section read from SHF_COMPRESSED input and written back plain must lose that flag.
/// </summary>
public sealed record SectionReplacement(IReadOnlyList<ReadOnlyMemory<byte>> Chunks, SectionFlags? Flags = null, uint? Info = null)
{
    public SectionReplacement(ReadOnlyMemory<byte> contents, SectionFlags? flags = null, uint? info = null) : this([contents], flags, info)
    {
    }

    public ulong Length
    {
        get
        {
            ulong length = 0;
            foreach (var chunk in Chunks)
                length += (ulong)chunk.Length;
            return length;
        }
    }
}

/// <summary>
/// Everything that changes between the input and the output file. What is not named here is
/// copied: allocated content stays at its offsets and addresses, non-allocated sections are
/// carried over as they were.
/// </summary>
public sealed record ElfRewriteRequest
{
    /// <summary>Add a new PT_LOAD (with a relocated program-header table) even if it has no sections.</summary>
    public bool ForceNewSegment { get; init; }

    /// <summary>
    /// Sections for the new segment, addresses assigned from <see cref="NewSegmentLayout"/>. Section
    /// indexes in the request (symbols' st_shndx in a replaced .symtab, say) name these as
    /// input section count + position here, and new non-allocated sections after them; the writer
    /// renumbers everything to the output's order.
    /// </summary>
    public IReadOnlyList<NewSection> NewSections { get; init; } = [];

    /// <summary>New contents (with their flags and sh_info) for non-allocated sections, by input section index.</summary>
    public IReadOnlyDictionary<int, SectionReplacement> ReplacedSections { get; init; } = new Dictionary<int, SectionReplacement>();

    /// <summary>Overlays on the original image, applied while it is copied.</summary>
    public IReadOnlyList<ImagePatch> Patches { get; init; } = [];

    public ulong? NewEntry { get; init; }

    /// <summary>Non-allocated sections added after the existing ones (for example the address map note).</summary>
    public IReadOnlyList<NewSection> NewNonAllocatedSections { get; init; } = [];

    /// <summary>Existing sections given a new name (the original .eh_frame once a new one replaces it).</summary>
    public IReadOnlyDictionary<int, string> RenamedSections { get; init; } = new Dictionary<int, string>();

    /// <summary>Non-allocated sections dropped from the output: they get no entry, and the indexes after them close up.</summary>
    public IReadOnlySet<int> RemovedSections { get; init; } = new HashSet<int>();

    /// <summary>New values for existing program headers, by index in the input table (PT_GNU_EH_FRAME, say).</summary>
    public IReadOnlyDictionary<int, ProgramHeader> UpdatedSegments { get; init; } = new Dictionary<int, ProgramHeader>();

    public bool AddsSegment => ForceNewSegment || NewSections.Count > 0;
}
