using Microsoft.Win32.SafeHandles;

namespace Rewriter.Common.Spooling;

/// <summary>
/// An append-only scratch file that holds finished output out of memory until the output file is
/// written from it (the debug update's units stream here as they are merged, so its peak memory
/// does not grow with the program). The file is unlinked as soon as it is opened: nothing is left behind,
/// however the process ends. Appends and reads may come from any thread: each append reserves its
/// own place (so the file holds appends in the order they reserved, not the output's order).
/// </summary>
public sealed class SpoolFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private long _length;

    private SpoolFile(SafeFileHandle handle) => _handle = handle;

    /// <summary>A new spool in <paramref name="directory"/> (the output's, so it takes disk space where the output will).</summary>
    public static SpoolFile Create(string directory)
    {
        for (int attempt = 0; ; attempt++)
        {
            string path = Path.Combine(directory, $".rewriter-spool-{Environment.ProcessId}-{Random.Shared.Next():x8}");
            try
            {
                var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
                File.Delete(path);
                return new SpoolFile(handle);
            }
            catch (IOException) when (attempt < 8 && File.Exists(path))
            {
                // another spool took the name: draw again
            }
        }
    }

    /// <summary>Bytes spooled so far (with appends still under way: reserved).</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Writes <paramref name="bytes"/> at the end and returns them as memory that reads them back on demand.</summary>
    public ReadOnlyMemory<byte> Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return ReadOnlyMemory<byte>.Empty;
        long offset = Interlocked.Add(ref _length, bytes.Length) - bytes.Length;
        RandomAccess.Write(_handle, bytes, offset);
        return new SpooledBytes(this, offset, bytes.Length).Chunk;
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/> of the spool.</summary>
    internal void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_handle, destination, offset);
            if (read <= 0)
                throw new IOException($"the spool file ended at 0x{offset:x}, before the bytes spooled there");
            destination = destination[read..];
            offset += read;
        }
    }

    public void Dispose() => _handle.Dispose();
}
