using System.IO.MemoryMappedFiles;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>
/// A read-only memory mapping of a whole file. Readers take spans over it instead of copying, so
/// only the pages actually looked at are ever brought in.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;

    public string Path { get; }
    public long Length { get; }

    private MappedFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _pointer = pointer;
        Length = length;
    }

    public static MappedFile Open(string path)
    {
        // Checked before opening: opening a FIFO would wait for a writer forever.
        var status = FileStatus.Of(path);
        if (status.Kind is not (FileKind.Regular or FileKind.Missing))
            throw new FileAccessException(path, "input", $"is {FileStatus.Describe(status.Kind)}, not a regular file");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        }
        catch (FileNotFoundException) { throw new FileAccessException(path, "input", "no such file"); }
        catch (DirectoryNotFoundException) { throw new FileAccessException(path, "input", "no such file"); }
        catch (UnauthorizedAccessException) { throw new FileAccessException(path, "input", "permission denied"); }
        catch (IOException e) { throw new FileAccessException(path, "input", e.Message); }

        using (stream)
        {
            long length = stream.Length;
            if (length > int.MaxValue)
                throw new InputFormatException("input", $"file of {length} bytes is larger than the 2 GiB supported");
            if (length == 0)
                return new MappedFile(path, null, null, null, 0);
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new MappedFile(path, map, view, pointer, length);
        }
    }

    /// <summary>The whole file. Valid until the file is disposed.</summary>
    public ReadOnlySpan<byte> Span => _pointer == null ? [] : new ReadOnlySpan<byte>(_pointer, (int)Length);

    /// <summary>The whole file as memory, for consumers that keep slices beyond a stack frame.</summary>
    public ReadOnlyMemory<byte> Memory => _pointer == null ? ReadOnlyMemory<byte>.Empty : (_memory ??= new UnmanagedMemory(_pointer, (int)Length)).Memory;

    private UnmanagedMemory? _memory;

    public void Dispose()
    {
        if (_view != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
