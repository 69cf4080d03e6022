namespace Rewriter.DebugUpdate.Reading;

/// <summary>A parsed .debug_line program header (DWARF 2–5).</summary>
public sealed class LineProgramHeader
{
    public long Offset { get; init; }
    public long End { get; init; }
    public int OffsetSize { get; init; }
    public ushort Version { get; init; }
    public byte AddressSize { get; init; }
    public byte SegmentSelectorSize { get; init; }
    public ulong HeaderLength { get; init; }
    public byte MinimumInstructionLength { get; init; }
    public byte MaximumOperationsPerInstruction { get; init; }
    public bool DefaultIsStmt { get; init; }
    public sbyte LineBase { get; init; }
    public byte LineRange { get; init; }
    public byte OpcodeBase { get; init; }
    public required byte[] StandardOpcodeLengths { get; init; }
    public required List<string> IncludeDirectories { get; init; }
    public required List<LineFileEntry> FileNames { get; init; }

    /// <summary>Section offset of the first opcode.</summary>
    public long ProgramOffset { get; init; }

    /// <summary>
    /// The file's path for a row's file register: directory joined with the name. DWARF 5 numbers
    /// files from 0 and directories from 0 (the compilation directory); older versions number files
    /// from 1 and use directory 0 for <paramref name="compilationDirectory"/>.
    /// </summary>
    public string? FilePath(ulong fileIndex, string? compilationDirectory = null)
    {
        LineFileEntry? entry;
        if (Version >= 5)
            entry = fileIndex < (ulong)FileNames.Count ? FileNames[(int)fileIndex] : null;
        else
            entry = fileIndex >= 1 && fileIndex <= (ulong)FileNames.Count ? FileNames[(int)fileIndex - 1] : null;
        if (entry is null)
            return null;
        if (entry.Name.StartsWith('/'))
            return entry.Name;
        string? directory;
        if (Version >= 5)
            directory = entry.DirectoryIndex < (ulong)IncludeDirectories.Count ? IncludeDirectories[(int)entry.DirectoryIndex] : null;
        else if (entry.DirectoryIndex == 0)
            directory = compilationDirectory;
        else
            directory = entry.DirectoryIndex <= (ulong)IncludeDirectories.Count ? IncludeDirectories[(int)entry.DirectoryIndex - 1] : null;
        if (string.IsNullOrEmpty(directory))
            return entry.Name;
        if (Version < 5 && !directory.StartsWith('/') && !string.IsNullOrEmpty(compilationDirectory))
            directory = compilationDirectory + "/" + directory;
        return directory.EndsWith('/') ? directory + entry.Name : directory + "/" + entry.Name;
    }
}
