namespace Rewriter.Elf.Writing;

/// <summary>
/// A section that goes into the new loadable segment. Its address is fixed by
/// <see cref="NewSegmentLayout"/> before its contents are produced, since code depends on it.
/// </summary>
public sealed record NewSection(string Name, SectionType Type, SectionFlags Flags, ulong Address, ulong Alignment, ReadOnlyMemory<byte> Contents);
