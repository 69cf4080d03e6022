using System.Text;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// The hash of the .debug_names hash table (DWARF 5 §6.1.1.4.5): Bernstein's DJB hash over the
/// UTF-8 bytes of the name after Unicode simple case folding, with the dotted and dotless Turkish
/// i both folded to "i" as the standard adds. Readers look names up by this value, so it must be
/// the one LLVM and gdb compute.
/// </summary>
public static class NameHash
{
    public static uint Of(ReadOnlySpan<byte> utf8)
    {
        uint hash = 5381;
        Span<byte> folded = stackalloc byte[4];
        int i = 0;
        while (i < utf8.Length)
        {
            byte b = utf8[i];
            // PERF: names are almost always ASCII (identifiers, mangled names): one byte, one step.
            if (b < 0x80)
            {
                hash = hash * 33 + (uint)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf8(utf8[i..], out var rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                hash = hash * 33 + b; // not UTF-8: the byte as it is
                i++;
                continue;
            }
            i += consumed;
            var fold = rune.Value is 0x130 or 0x131 ? new Rune('i') : Rune.ToLowerInvariant(rune);
            int length = fold.EncodeToUtf8(folded);
            for (int k = 0; k < length; k++)
                hash = hash * 33 + folded[k];
        }
        return hash;
    }

    public static uint Of(string name) => Of(Encoding.UTF8.GetBytes(name));
}
