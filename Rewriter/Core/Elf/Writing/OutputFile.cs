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

    public static OutputFile Create(string path, string inputPath) => Create(path, new InputFiles([inputPath]));

    /// <param name="inputs">every file the rewrite reads (the program, its .dwo files): none may be written over</param>
    public static OutputFile Create(string path, InputFiles inputs)
    {
        if (path.Length == 0)
            throw new FileAccessException(path, "output", "an empty file name");
        string fullPath = System.IO.Path.GetFullPath(path);
        var status = Elf.Reading.FileStatus.Of(fullPath);
        if (inputs.Find(fullPath, status) is { } input)
            throw new FileAccessException(path, "output", input == inputs.First ? "cannot write the output over the input" : $"cannot write the output over an input ({input})");
        // Renaming over a device, a FIFO or a socket would replace it with a regular file.
        if (status.Kind is not (Elf.Reading.FileKind.Regular or Elf.Reading.FileKind.Missing))
            throw new FileAccessException(path, "output", $"cannot write: it is {Elf.Reading.FileStatus.Describe(status.Kind)} (only a regular file or a new name)");
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
