using Climb.Fuzz;

// Usage:
//   Climb.Fuzz list                         the target names
//   Climb.Fuzz seeds <folder>               writes each target's seed corpus to <folder>/<target>/
//   Climb.Fuzz <target>                     runs under afl-fuzz (SharpFuzz out-of-process loop, input on stdin)
//   Climb.Fuzz <target> --replay <path>...  runs files (or every file of folders) through the target in-process;
//                                           exit 1 if any input throws an undocumented exception
//   Climb.Fuzz <target> --classify <path>... prints each input's outcome (exception type and inner exception type)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Climb.Fuzz list | seeds <folder> | <target> [--replay <path>...]");
    return 2;
}

if (args[0] == "list")
{
    foreach (var target in FuzzTargets.All)
    {
        Console.WriteLine($"{target.Name}\t{target.Description}");
    }

    return 0;
}

if (args[0] == "seeds")
{
    if (args.Length != 2)
    {
        Console.Error.WriteLine("usage: Climb.Fuzz seeds <folder>");
        return 2;
    }

    foreach (var target in FuzzTargets.All)
    {
        string folder = Path.Combine(args[1], target.Name);
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in target.Seeds())
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }
    }

    return 0;
}

var chosen = FuzzTargets.Find(args[0]);
if (chosen is null)
{
    Console.Error.WriteLine($"Unknown target '{args[0]}'; known: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}.");
    return 2;
}

if (args.Length >= 2 && args[1] == "--replay")
{
    return Replay.Run(chosen, args.Skip(2));
}

if (args.Length >= 2 && args[1] == "--classify")
{
    return Replay.Classify(chosen, args.Skip(2));
}

SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    chosen.Execute(buffer.ToArray());
});
return 0;
