using System.Diagnostics;
using System.Text;

namespace Climb;

/// <summary>Runs the Slurm commands (sbatch, squeue, scancel, sinfo, scontrol) as processes.</summary>
internal sealed class SlurmClient
{
    private static readonly string[] Commands = ["sbatch", "squeue", "scancel", "sinfo", "scontrol"];
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    public SlurmClient(string? binDirectory)
    {
        BinDirectory = binDirectory;
    }

    public string? BinDirectory { get; }

    /// <summary>Finds every command; throws <see cref="SlurmSetupException"/> naming the first one missing.</summary>
    public void Resolve()
    {
        foreach (string c in Commands)
        {
            _paths[c] = Find(c) ?? throw new SlurmSetupException(BinDirectory is null
                ? $"'{c}' was not found on PATH ({Environment.GetEnvironmentVariable("PATH")}). Run Climb on a Slurm login node, install the Slurm client commands (Debian: slurm-client), or set SlurmExecutorOptions.BinDirectory."
                : $"'{c}' was not found in SlurmExecutorOptions.BinDirectory '{BinDirectory}'.");
        }
    }

    public async Task<(int Exit, string Out, string Err)> RunAsync(string command, IEnumerable<string> arguments, CancellationToken ct, TimeSpan? timeout = null)
    {
        if (!_paths.TryGetValue(command, out string? exe))
        {
            Resolve();
            exe = _paths[command];
        }

        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new SlurmSetupException($"Could not start '{exe}'.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        var stdout = p.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = p.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await p.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                p.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"'{command} {string.Join(' ', psi.ArgumentList)}' did not answer within {timeout ?? TimeSpan.FromMinutes(2)}: is slurmctld reachable?");
        }

        return (p.ExitCode, (await stdout.ConfigureAwait(false)).Trim(), (await stderr.ConfigureAwait(false)).Trim());
    }

    private string? Find(string command)
    {
        IEnumerable<string> dirs = BinDirectory is not null
            ? [BinDirectory]
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string d in dirs)
        {
            string p = Path.Combine(d, command);
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }
}
