namespace Rewriter.DebugUpdate.Reading;

/// <summary>A file_names entry of a line-table header.</summary>
public sealed record LineFileEntry(string Name, ulong DirectoryIndex, ulong ModificationTime, ulong Length, byte[]? Md5);
