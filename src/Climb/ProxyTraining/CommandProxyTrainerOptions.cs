using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="CommandProxyTrainer"/>: the command that trains one proxy, and where it runs.</summary>
public sealed class CommandProxyTrainerOptions : IValidatableOptions
{
    /// <summary>Gets or sets the command template, run by <see cref="Shell"/> once per proxy, for example
    /// <c>python3 train.py --mixture {mixture} --data {data} --output {output} --seed {seed}</c>.</summary>
    /// <value>Required. Placeholders (each replaced by a single-quoted file path or number, so never quote them yourself):
    /// <c>{mixture}</c> the JSON file of the mixture's weights by super-cluster name, <c>{data}</c> the data folder,
    /// <c>{output}</c> the result JSON the command writes, <c>{seed}</c> the seed. <c>{mixture}</c> and <c>{output}</c>
    /// must appear; outside quotes <c>{{</c> and <c>}}</c> are literal braces, inside quotes every brace is literal;
    /// <c>${NAME}</c> is left to the shell. docs/external-proxies.md describes the files.</value>
    [Required]
    public string? Command { get; set; }

    /// <summary>Gets or sets the POSIX shell that runs the expanded command (as <c>shell -c command</c>).</summary>
    /// <value>The default is <c>/bin/sh</c>.</value>
    [Required]
    public string Shell { get; set; } = "/bin/sh";

    /// <summary>Gets or sets the folder the command runs in (relative paths in the template start there).</summary>
    /// <value>The default is <see langword="null"/>: the current directory of the process that creates the trainer
    /// (a Slurm job runs in the same folder, which must be on storage the nodes see).</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets or sets the longest a proxy's command may run; one that runs longer is killed (with its child
    /// processes) and recorded as a failed proxy. It does not change a finished run's result, so it is not part of the
    /// trainer's identity: a search resumed with another timeout keeps its finished runs.</summary>
    /// <value>The default is <see langword="null"/>: no limit.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the format of the document shards in the data folder.</summary>
    /// <value>The default is <see cref="DatasetFormat.Jsonl"/>.</value>
    public DatasetFormat DataFormat { get; set; } = DatasetFormat.Jsonl;

    /// <summary>Gets or sets the data folder, when the trainer runs outside a <see cref="ClimbPipeline"/> (a pipeline points
    /// the trainer at its <c>proxy-data</c> stage's folder instead).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? DataFolder { get; set; }

    /// <summary>Gets or sets the folder of the per-proxy files (the mixture, the result, the command's output and error
    /// logs), one sub-folder per proxy. A pipeline uses <c>command/</c> in its search stage's folder.</summary>
    /// <value>The default is <see langword="null"/>: a folder under the system's temporary folder, named by the trainer's identity.</value>
    public string? WorkDirectory { get; set; }

    /// <summary>Gets or sets how many of the last lines of the command's standard error a failure records.</summary>
    /// <value>The default is 20.</value>
    [Range(1, 10_000)]
    public int ErrorTailLines { get; set; } = 20;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (Command is { } command && CommandProxyTemplate.Problems(command) is { Count: > 0 } problems)
        {
            foreach (string p in problems)
            {
                yield return $"{nameof(Command)}: {p}";
            }
        }

        if (Timeout is { } t && t <= TimeSpan.Zero)
        {
            yield return $"{nameof(Timeout)}: must be positive (or null for no limit), not {t}.";
        }
    }
}
