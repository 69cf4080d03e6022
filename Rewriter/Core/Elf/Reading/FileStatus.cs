using System.Runtime.InteropServices;

namespace Rewriter.Elf.Reading;

/// <summary>What kind of file a path names (after following symbolic links).</summary>
public enum FileKind { Missing, Regular, Directory, CharacterDevice, BlockDevice, Fifo, Socket, Other }

/// <summary>
/// The identity (device and inode) and kind of a file, from stat(2): two paths name the same file
/// exactly when both agree, whatever symbolic links, hard links or /proc/self/fd entries spell them.
/// </summary>
public readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode)
{
    // struct stat on x86-64 Linux: st_dev at 0, st_ino at 8, st_nlink at 16, st_mode at 24; 144 bytes.
    private const int StatSize = 144;
    private const int ModeOffset = 24;
    private const uint TypeMask = 0xf000;

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern unsafe int Stat(string path, byte* buffer);

    public static unsafe FileStatus Of(string path)
    {
        byte* buffer = stackalloc byte[StatSize];
        if (Stat(path, buffer) != 0)
            return new FileStatus(FileKind.Missing, 0, 0);
        uint mode = *(uint*)(buffer + ModeOffset);
        var kind = (mode & TypeMask) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xc000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return new FileStatus(kind, *(ulong*)buffer, *(ulong*)(buffer + 8));
    }

    public bool IsSameFileAs(FileStatus other) => Kind != FileKind.Missing && Device == other.Device && Inode == other.Inode;

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
