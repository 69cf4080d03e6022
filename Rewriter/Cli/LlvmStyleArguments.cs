using McMaster.Extensions.CommandLineUtils;

namespace Rewriter.Cli;

/// <summary>
/// Accepts the spellings of LLVM's option parser, as llvm-bolt users type them, and rewrites them
/// into the one spelling the command-line package parses (`--name`, `--name=VALUE`):
/// `-name`, `--name`, `-name=V`, `--name=V`, `-name V`, `--name V`; booleans as `-name` or
/// `-name=0|1|true|false`; `-v` alone, `-v N` or `-v=N` for a verbosity level. An option given
/// twice, an unknown option, a missing or bad value is a <see cref="CommandLineException"/>.
/// llvm-bolt options we do not implement are looked up in <see cref="BoltOnlyOptions"/>: dropped
/// with a warning when harmless, refused otherwise.
/// </summary>
public static class LlvmStyleArguments
{
    public sealed record Result(string[] Arguments, string? Input, IReadOnlyList<string> Warnings);

    /// <summary>Options whose value may follow as a separate argument only when it is a number (`-v 1`).</summary>
    private static readonly HashSet<string> LevelOptions = ["verbose"];

    public static Result Normalize(CommandLineApplication app, string[] args)
    {
        try
        {
            return Rewrite(app, args);
        }
        catch (CommandLineException e) when (e.Input == null)
        {
            throw new CommandLineException(e.What, FirstPositional(app, args));
        }
    }

    /// <summary>The first argument that is neither an option nor an option's value, for naming the input in an error.</summary>
    private static string? FirstPositional(CommandLineApplication app, string[] args)
    {
        var options = app.GetOptions().ToList();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
                return i + 1 < args.Length ? args[i + 1] : null;
            if (!IsOption(args[i]))
                return app.Commands.Any(c => c.Name == args[i]) ? null : args[i];
            string name = args[i].TrimStart('-').Split('=')[0];
            bool takesNext = !args[i].Contains('=')
                && (options.FirstOrDefault(o => o.LongName == name || o.ShortName == name)?.OptionType == CommandOptionType.SingleValue
                    || BoltOnlyOptions.Find(name)?.TakesValue == true);
            if (takesNext)
                i++;
        }
        return null;
    }

    private static Result Rewrite(CommandLineApplication app, string[] args)
    {
        var output = new List<string>(args.Length);
        var warnings = new List<string>();
        string? input = null;
        var command = app;
        int start = 0;
        if (args.Length > 0 && app.Commands.FirstOrDefault(c => c.Name == args[0]) is { } subcommand)
        {
            command = subcommand;
            output.Add(args[0]);
            start = 1;
        }
        var options = command.GetOptions().ToList();
        var seen = new HashSet<CommandOption>();
        bool onlyPositionals = false;

        for (int i = start; i < args.Length; i++)
        {
            string arg = args[i];
            if (onlyPositionals || !IsOption(arg))
            {
                input ??= arg;
                output.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                onlyPositionals = true;
                output.Add(arg);
                continue;
            }
            string body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            int equals = body.IndexOf('=');
            string name = equals < 0 ? body : body[..equals];
            string? value = equals < 0 ? null : body[(equals + 1)..];
            string spelled = arg[..(arg.Length - body.Length)] + name;

            var option = options.FirstOrDefault(o => o.LongName == name || o.ShortName == name);
            if (option == null)
            {
                if (BoltOnlyOptions.Find(name) is not { } foreign)
                    throw new CommandLineException($"unknown option '{spelled}' (see --help)");
                if (foreign.TakesValue && value == null)
                    value = i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{spelled} needs a value");
                if (!foreign.IsHarmless(value))
                    throw new CommandLineException($"{spelled}{(value != null ? "=" + value : "")} is not supported: {foreign.Explanation}");
                warnings.Add($"{spelled}{(value != null ? "=" + value : "")} is ignored: {foreign.Explanation}");
                continue;
            }
            if (!seen.Add(option) && option.OptionType != CommandOptionType.MultipleValue)
                throw new CommandLineException($"{spelled} given more than once");
            string canonical = "--" + (option.LongName ?? option.ShortName);
            switch (option.OptionType)
            {
                case CommandOptionType.NoValue:
                    if (value == null || ParseBoolean(value, spelled))
                        output.Add(canonical);
                    break;
                case CommandOptionType.SingleOrNoValue:
                    if (value == null && option.LongName != null && LevelOptions.Contains(option.LongName)
                        && i + 1 < args.Length && args[i + 1].Length > 0 && args[i + 1].All(char.IsAsciiDigit))
                        value = args[++i];
                    output.Add(value == null ? canonical : $"{canonical}={value}");
                    break;
                default:
                    if (value == null)
                        value = i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{spelled} needs a value");
                    if (value.Length == 0)
                        throw new CommandLineException($"{spelled} needs a value, not an empty string");
                    output.Add($"{canonical}={value}");
                    break;
            }
        }
        return new Result([.. output], input, warnings);
    }

    /// <summary>LLVM's boolean values.</summary>
    public static bool ParseBoolean(string value, string spelled) => value switch
    {
        "1" or "true" or "TRUE" or "True" => true,
        "0" or "false" or "FALSE" or "False" => false,
        _ => throw new CommandLineException($"{spelled} takes 0 or 1, not '{value}' (true and false work too)"),
    };

    /// <summary>An argument that names an option: a dash followed by anything but a number ("-" alone is a file name).</summary>
    private static bool IsOption(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !(arg.Length > 1 && char.IsAsciiDigit(arg[1]));
}
