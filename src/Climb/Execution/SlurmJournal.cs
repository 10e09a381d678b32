using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// The record of a work folder's Slurm jobs: <c>slurm-journal.jsonl</c>, one JSON object per line (event submit,
/// attach, retry, done, failed, cancel) with the request id and job id. A re-run reads it to re-attach to jobs
/// still queued or running instead of submitting them again.
/// </summary>
internal sealed class SlurmJournal
{
    public const string FileName = "slurm-journal.jsonl";
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Job, int Attempts)> _last = new(StringComparer.Ordinal);

    public SlurmJournal(string folder)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(Path))
        {
            return;
        }

        foreach (string line in File.ReadLines(Path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? o;
            try
            {
                o = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue; // a line cut by a crash while it was written: the entries before it are whole
            }

            string? ev = o?["event"]?.GetValue<string>(), id = o?["request"]?.GetValue<string>(), job = o?["job"]?.GetValue<string>();
            if (id is null || job is null || ev is not ("submit" or "retry" or "attach"))
            {
                continue;
            }

            int attempt = o!["attempt"]?.GetValue<int>() ?? 1;
            _last[id] = (job, attempt);
        }
    }

    public string Path { get; }

    public bool TryGetLastJob(string requestId, out string job, out int attempts)
    {
        lock (_gate)
        {
            if (_last.TryGetValue(requestId, out var e))
            {
                (job, attempts) = e;
                return true;
            }
        }

        job = string.Empty;
        attempts = 0;
        return false;
    }

    public void Append(string ev, string requestId, string? job, int attempt, string? detail = null)
    {
        var o = new JsonObject
        {
            ["time"] = WorkRequest.Now(),
            ["event"] = ev,
            ["request"] = requestId,
            ["job"] = job,
            ["attempt"] = attempt,
        };
        if (detail is not null)
        {
            o["detail"] = detail;
        }

        string line = o.ToJsonString() + "\n";
        lock (_gate)
        {
            if (job is not null && ev is "submit" or "retry" or "attach")
            {
                _last[requestId] = (job, attempt);
            }

            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
    }
}
