using System.Diagnostics;

namespace Climb.Tests.Execution;

/// <summary>
/// A test that needs a running Slurm (scripts/slurm/start.sh) and the built climb CLI (the worker). Where either
/// is missing the test is reported as skipped with the missing piece named, never passed silently.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public SlurmFactAttribute()
    {
        if (Missing.Value is { } why)
        {
            Skip = "Slurm tests skipped: " + why + ".";
        }
    }

    private static string? FindMissing()
    {
        string? sinfo = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "sinfo")).FirstOrDefault(File.Exists);
        if (sinfo is null)
        {
            return "'sinfo' is not on PATH (no Slurm client installed; scripts/slurm/start.sh installs and starts a local one as root)";
        }

        var (exit, output) = SlurmTestCommands.Run("sinfo", "-h", "-o", "%t");
        if (exit != 0)
        {
            return $"'sinfo' failed (exit {exit}: {output.Trim()}): slurmctld is not running or not reachable (scripts/slurm/start.sh starts a local one)";
        }

        if (!output.Split('\n').Any(s => s.Trim() is "idle" or "mix" or "alloc"))
        {
            return $"no Slurm node is up (sinfo states: {output.Trim().Replace('\n', ' ')})";
        }

        if (SlurmTestCommands.CliDll is not { } cli)
        {
            return "src/Climb.Cli is not built (the jobs run its worker command)";
        }

        var (helpExit, help) = SlurmTestCommands.Run("dotnet", cli, "worker", "--help");
        return helpExit == 0 && help.Contains("Execute one work request", StringComparison.Ordinal)
            ? null
            : $"the built climb CLI ({cli}) has no 'worker' command";
    }
}

internal static class SlurmTestCommands
{
    public static string? CliDll => new[] { "Release", "Debug" }
        .Select(c => Path.Combine(RepoPaths.Root, "src", "Climb.Cli", "bin", c, "net10.0", "Climb.Cli.dll"))
        .FirstOrDefault(File.Exists);

    /// <summary>
    /// <c>scontrol show job</c> once the job has left RUNNING and COMPLETING: the executor returns as soon as the worker
    /// has written its result file, while the worker process may still be exiting, and on a loaded machine Slurm may take
    /// a few seconds more to mark the job COMPLETED (up to 30 s here).
    /// </summary>
    public static (int Exit, string Output) ShowFinishedJob(string job)
    {
        var (exit, show) = Run("scontrol", "show", "job", "-o", job);
        for (int wait = 0; wait < 60 && exit == 0 && (show.Contains("JobState=COMPLETING", StringComparison.Ordinal) || show.Contains("JobState=RUNNING", StringComparison.Ordinal)); wait++)
        {
            Thread.Sleep(500);
            (exit, show) = Run("scontrol", "show", "job", "-o", job);
        }

        return (exit, show);
    }

    public static (int Exit, string Output) Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            if (!p.WaitForExit(20_000))
            {
                p.Kill();
                return (-1, "timed out");
            }

            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    /// <summary>
    /// A job setup line that holds the job until <paramref name="file"/> exists (at most 2 minutes), so a test decides when
    /// its jobs may finish instead of racing a fixed sleep against the machine's load.
    /// </summary>
    public static string HoldUntil(string file) => $"for i in $(seq 600); do [ -e '{file}' ] && break; sleep 0.2; done";

    /// <summary>
    /// A job setup line under which the first job to start creates <paramref name="marker"/> and then sleeps 2 minutes
    /// (to be killed by the test); every later job finds the marker and runs at once.
    /// </summary>
    public static string BlockFirstJob(string marker) => $"if [ ! -e '{marker}' ]; then touch '{marker}'; sleep 120; fi";

    public static SlurmExecutorOptions Options(string jobName, int maxAttempts = 3, params string[] setup)
    {
        var o = new SlurmExecutorOptions
        {
            WorkerCommand = $"dotnet '{CliDll}' worker",
            JobName = jobName,
            PollInterval = TimeSpan.FromMilliseconds(500),
            ResultGracePeriod = TimeSpan.FromSeconds(3),
            MaxAttempts = maxAttempts,
        };
        foreach (string s in setup)
        {
            o.Setup.Add(s);
        }

        return o;
    }
}
