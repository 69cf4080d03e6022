using Rewriter.Diagnostics;

namespace Rewriter.Elf.Writing;

/// <summary>
/// The output is written to a temporary file beside the target and renamed over it only when
/// everything succeeded, so a failure never leaves a partial output behind.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private readonly string _temporaryPath;
    private bool _committed;

    public string Path { get; }
    public FileStream Stream { get; }

    private OutputFile(string path, string temporaryPath, FileStream stream)
    {
        Path = path;
        _temporaryPath = temporaryPath;
        Stream = stream;
    }

    public static OutputFile Create(string path, string inputPath)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (string.Equals(fullPath, System.IO.Path.GetFullPath(inputPath), StringComparison.Ordinal))
            throw new FileAccessException(path, "output", "cannot write the output over the input");
        if (Directory.Exists(fullPath))
            throw new FileAccessException(path, "output", "cannot write: it is a directory");
        string directory = System.IO.Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(fullPath)}.rewriter-{Environment.ProcessId}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            return new OutputFile(fullPath, temporary, stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException(path, "output", $"cannot write: {Describe(e)}");
        }
    }

    /// <summary>Flushes, gives the file <paramref name="mode"/> and renames it into place.</summary>
    public void Commit(UnixFileMode mode)
    {
        try
        {
            Stream.Flush();
            Stream.Dispose();
            File.SetUnixFileMode(_temporaryPath, mode);
            File.Move(_temporaryPath, Path, overwrite: true);
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException(Path, "output", $"cannot write: {Describe(e)}");
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            try { File.Delete(_temporaryPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "no such directory",
        _ => e.Message,
    };
}
