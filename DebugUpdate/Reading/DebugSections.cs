namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The input contract of the DWARF layer: named section bytes, already decompressed by the caller
/// (the ELF layer owns SHF_COMPRESSED). Missing sections read as empty.
/// </summary>
public sealed class DebugSections
{
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _sections = new(StringComparer.Ordinal);

    public DebugSections()
    {
    }

    public DebugSections(IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> sections)
    {
        foreach (var (name, bytes) in sections)
            Set(name, bytes);
    }

    /// <summary>The file these sections were read from, named in format errors; optional.</summary>
    public string? File { get; init; }

    /// <summary>The sections' names. PERF: the dictionary's own key collection, enumerated without an interface (that enumerator is generic code the precompiled image lacks).</summary>
    public Dictionary<string, ReadOnlyMemory<byte>>.KeyCollection Names => _sections.Keys;

    public ReadOnlyMemory<byte> this[string name]
    {
        get => Get(name);
        set => Set(name, value);
    }

    public void Set(string name, ReadOnlyMemory<byte> bytes) => _sections[name] = bytes;

    public ReadOnlyMemory<byte> Get(string name) => _sections.TryGetValue(name, out var bytes) ? bytes : ReadOnlyMemory<byte>.Empty;

    public bool Contains(string name) => _sections.TryGetValue(name, out var bytes) && !bytes.IsEmpty;

    public SectionView View(string name) => new(name, Get(name), file: File);

    /// <summary>True when this holds a .dwo file or a .dwp package rather than a main program.</summary>
    public bool IsSplitFile => Contains(DebugSectionNames.Dwo(DebugSectionNames.Info));

    /// <summary>A shallow copy whose entries can be replaced without touching this one (tests mutate copies).</summary>
    public DebugSections Clone()
    {
        var copy = new DebugSections { File = File };
        foreach (var (name, bytes) in _sections)
            copy.Set(name, bytes);
        return copy;
    }
}
