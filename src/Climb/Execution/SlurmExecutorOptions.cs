using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Climb;

/// <summary>Options of <see cref="SlurmExecutor"/>: where and how the jobs run.</summary>
public sealed class SlurmExecutorOptions : IValidatableOptions
{
    /// <summary>Gets or sets the partition (<c>--partition</c>); <see langword="null"/> uses the cluster's default partition.</summary>
    public string? Partition { get; set; }

    /// <summary>Gets or sets the account charged (<c>--account</c>); <see langword="null"/> uses the user's default.</summary>
    public string? Account { get; set; }

    /// <summary>Gets or sets the GPUs of each proxy job (<c>--gres=gpu:N</c>); 0 asks for none. Shard jobs (embedding, assignment) ask for <see cref="GpusPerShard"/>.</summary>
    /// <value>Default 0.</value>
    [Range(0, 64)]
    public int GpusPerProxy { get; set; }

    /// <summary>Gets or sets the GPUs of each shard job of an array (embedding and assignment shards).</summary>
    /// <value>Default 0.</value>
    [Range(0, 64)]
    public int GpusPerShard { get; set; }

    /// <summary>Gets or sets a GPU type for <c>--gres=gpu:TYPE:N</c> (for example "a100"); <see langword="null"/> takes any.</summary>
    public string? GpuType { get; set; }

    /// <summary>Gets or sets the CPUs of each job (<c>--cpus-per-task</c>).</summary>
    /// <value>Default 1.</value>
    [Range(1, 4096)]
    public int CpusPerTask { get; set; } = 1;

    /// <summary>Gets or sets the memory of each job (<c>--mem</c>, for example "16G"); <see langword="null"/> uses the partition's default.</summary>
    public string? Memory { get; set; }

    /// <summary>Gets or sets the time limit of each job (<c>--time</c>); <see langword="null"/> uses the partition's default.</summary>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>Gets extra <c>sbatch</c> arguments, one per item (for example "--qos=high", "--constraint=a100").</summary>
    public IList<string> ExtraArguments { get; init; } = [];

    /// <summary>Gets or sets the shell command that starts a worker on a node; the request file's path is appended.</summary>
    /// <value>Default "climb worker" (the Climb.Cli tool on the nodes' PATH); for example "dotnet /shared/climb/Climb.Cli.dll worker".</value>
    public string WorkerCommand { get; set; } = "climb worker";

    /// <summary>Gets shell lines run in each job before the worker (for example "module load cuda/12.4", "export DOTNET_ROOT=/shared/dotnet").</summary>
    public IList<string> Setup { get; init; } = [];

    /// <summary>Gets or sets the job name (<c>--job-name</c>, shown by <c>squeue</c>); the executor follows its jobs by their ids (an <see cref="ExtraArguments"/> item may override the name).</summary>
    /// <value>Default "climb".</value>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string JobName { get; set; } = "climb";

    /// <summary>Gets or sets how many times a unit is tried before the run fails (a job that failed, timed out or was cancelled by someone else is submitted again, the reason logged).</summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the most array tasks running at once (<c>--array=0-N%T</c>); 0 sets no throttle.</summary>
    /// <value>Default 0.</value>
    [Range(0, 100_000)]
    public int ArrayThrottle { get; set; }

    /// <summary>Gets or sets the longest wait between two looks at the jobs (<c>squeue</c> and the result files): the executor looks after one second, then backs off by half each time up to this while nothing finishes.</summary>
    /// <value>Default 10 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a job that left the queue may take to show its result file (shared file systems can lag) before it counts as failed.</summary>
    /// <value>Default 60 seconds.</value>
    public TimeSpan ResultGracePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets whether cancelling a run (Ctrl+C) cancels its queued and running jobs with <c>scancel</c>; when <see langword="false"/> they keep running and a re-run re-attaches to them.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool CancelJobsOnCancellation { get; set; } = true;

    /// <summary>Gets or sets a folder holding sbatch, squeue, scancel, sinfo and scontrol; <see langword="null"/> searches PATH.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Splits an argument string the way a POSIX shell would (spaces separate, quotes group, backslash escapes).</summary>
    /// <param name="arguments">For example <c>--qos=high --comment="climb run"</c>.</param>
    /// <returns>The arguments.</returns>
    /// <exception cref="ArgumentException">A quote is not closed.</exception>
    public static IList<string> ParseArguments(string? arguments)
    {
        var list = new List<string>();
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return list;
        }

        var current = new StringBuilder();
        bool any = false;
        char quote = '\0';
        for (int i = 0; i < arguments.Length; i++)
        {
            char c = arguments[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < arguments.Length)
                {
                    current.Append(arguments[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                any = true;
            }
            else if (c == '\\' && i + 1 < arguments.Length)
            {
                current.Append(arguments[++i]);
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (any || current.Length > 0)
                {
                    list.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (quote != '\0')
        {
            throw new ArgumentException($"Unclosed {quote} quote in Slurm arguments: {arguments}", nameof(arguments));
        }

        if (any || current.Length > 0)
        {
            list.Add(current.ToString());
        }

        return list;
    }

    /// <summary>Gets or sets the most tasks of one job array; <see langword="null"/> takes the cluster's <c>MaxArraySize</c>
    /// (from <c>scontrol show config</c>; 1001 when it cannot be read). Larger batches are submitted as several arrays.</summary>
    internal int? MaxArrayTasks { get; set; }

    internal string Describe() =>
        $"slurm partition={Partition ?? "(default)"} account={Account ?? "-"} gpus/proxy={GpusPerProxy} gpus/shard={GpusPerShard} cpus={CpusPerTask} mem={Memory ?? "-"} time={TimeLimit?.ToString() ?? "-"} args=[{string.Join(' ', ExtraArguments)}]";

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(WorkerCommand))
        {
            yield return "WorkerCommand must name the command that starts a worker (for example 'climb worker').";
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"PollInterval must be positive, not {PollInterval}.";
        }

        if (ResultGracePeriod < TimeSpan.Zero)
        {
            yield return $"ResultGracePeriod must not be negative, not {ResultGracePeriod}.";
        }

        if (TimeLimit is { } t && t < TimeSpan.FromMinutes(1))
        {
            yield return $"TimeLimit must be at least one minute (Slurm counts minutes), not {t}.";
        }

        foreach (string a in ExtraArguments ?? [])
        {
            if (a is null || a.Contains('\n', StringComparison.Ordinal))
            {
                yield return "ExtraArguments must not hold null or multi-line items.";
            }
        }
    }
}
