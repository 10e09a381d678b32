using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Climb.Cli;

/// <summary>
/// <c>climb worker &lt;request&gt;</c>: executes one work request file (a proxy run, an embedding or assignment shard)
/// and writes its result beside it. Slurm jobs submitted by <see cref="SlurmExecutor"/> run this on the nodes.
/// Exit codes: 0 done, 1 the work failed (see the .error.json beside the request), 2 the request is not on this
/// node's storage (the artifacts folder is not shared), 130 cancelled.
/// </summary>
internal static class WorkerCommand
{
    /// <summary>Returns the shell command that starts this same CLI as a worker ("'/path/climb' worker" or "dotnet '/path/Climb.Cli.dll' worker"); the nodes must see the same path.</summary>
    public static string ThisProcessWorkerCommand()
    {
        string process = Environment.ProcessPath ?? "climb";
        string entry = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? string.Empty;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry.Length > 0
            ? $"'{process}' '{entry}' worker"
            : $"'{process}' worker";
    }

    public static Command Create()
    {
        var request = new Argument<string>("request") { Description = "The request file (<id>.request.json in the artifacts folder, on storage every node sees)." };
        var quiet = new Option<bool>("--quiet") { Description = "Log warnings and errors only." };
        var command = new Command("worker", "Execute one work request (a proxy run or a shard) and write its result beside it; Slurm jobs run this.");
        command.Arguments.Add(request);
        command.Options.Add(quiet);
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(parse.GetValue(quiet) ? LogLevel.Warning : LogLevel.Information));
            try
            {
                string result = await new WorkRunner(loggers).RunAsync(parse.GetValue(request)!, ct).ConfigureAwait(false);
                Console.Out.WriteLine(result);
                return 0;
            }
            catch (WorkRequestNotFoundException ex)
            {
                await Console.Error.WriteLineAsync("climb worker: " + ex.Message).ConfigureAwait(false);
                return 2;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("climb worker: cancelled").ConfigureAwait(false);
                return 130;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
                await Console.Error.WriteLineAsync("climb worker: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
