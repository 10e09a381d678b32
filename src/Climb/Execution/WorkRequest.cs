using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// One unit of parallel work (a proxy run, an embedding shard, an assignment shard) as a file in the artifacts
/// folder: <c>&lt;id&gt;.request.json</c>. A worker (<see cref="WorkRunner"/>, <c>climb worker &lt;request&gt;</c>)
/// executes it and writes <c>&lt;id&gt;.result.json</c> beside it, atomically, or <c>&lt;id&gt;.error.json</c> when it fails.
/// </summary>
/// <remarks>
/// The folder holding request files must be on storage that every node running workers sees at the same path
/// (NFS, Lustre, GPFS, a cluster file system): the main process writes requests there, workers read them and
/// write their results there.
/// </remarks>
internal sealed class WorkRequest
{
    /// <summary>The suffix of request files.</summary>
    internal const string RequestSuffix = ".request.json";

    /// <summary>The suffix of result files.</summary>
    internal const string ResultSuffix = ".result.json";

    /// <summary>The suffix of error files.</summary>
    internal const string ErrorSuffix = ".error.json";

    private WorkRequest(string path, string kind, string id, JsonObject payload)
    {
        RequestPath = path;
        Kind = kind;
        Id = id;
        Payload = payload;
    }

    /// <summary>Gets the full path of the request file.</summary>
    public string RequestPath { get; }

    /// <summary>Gets the kind of work ("proxy", "assign-shard", …): it selects the <see cref="IWorkHandler"/>.</summary>
    public string Kind { get; }

    /// <summary>Gets the identifier (the file name without the suffix).</summary>
    public string Id { get; }

    /// <summary>Gets the kind-specific payload.</summary>
    public JsonObject Payload { get; }

    /// <summary>Gets the path of the result file beside the request.</summary>
    public string ResultPath => ResultPathOf(RequestPath);

    /// <summary>Gets the path of the error file beside the request.</summary>
    public string ErrorPath => ErrorPathOf(RequestPath);

    /// <summary>Returns the result path of a request path.</summary>
    /// <param name="requestPath">The request file.</param>
    /// <returns>The result file beside it.</returns>
    internal static string ResultPathOf(string requestPath) => Stem(requestPath) + ResultSuffix;

    /// <summary>Returns the error path of a request path.</summary>
    /// <param name="requestPath">The request file.</param>
    /// <returns>The error file beside it.</returns>
    internal static string ErrorPathOf(string requestPath) => Stem(requestPath) + ErrorSuffix;

    /// <summary>Writes a request file (atomically; an existing request with the same id is left as it is).</summary>
    /// <param name="folder">The work folder (on shared storage for a cluster).</param>
    /// <param name="kind">The kind of work.</param>
    /// <param name="id">The identifier: letters, digits, '-', '_' and '.'; it names the files.</param>
    /// <param name="payload">The payload.</param>
    /// <returns>The request.</returns>
    internal static WorkRequest Create(string folder, string kind, string id, JsonObject payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(payload);
        if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"Work id '{id}' may hold only ASCII letters, digits, '-', '_' and '.'.", nameof(id));
        }

        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        string path = Path.Combine(full, id + RequestSuffix);
        var doc = new JsonObject
        {
            ["format"] = 1,
            ["kind"] = kind,
            ["id"] = id,
            ["payload"] = payload.DeepClone(),
        };
        if (!File.Exists(path))
        {
            WorkFiles.WriteAtomic(path, doc.ToJsonString(WorkFiles.Json));
        }

        return new WorkRequest(path, kind, id, payload);
    }

    /// <summary>Reads a request file.</summary>
    /// <param name="requestPath">The request file.</param>
    /// <returns>The request.</returns>
    /// <exception cref="WorkRequestNotFoundException">The file is not there (the artifacts folder is not shared with this node, or the path is wrong).</exception>
    /// <exception cref="InvalidDataException">The file is not a request.</exception>
    internal static WorkRequest Load(string requestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestPath);
        string full = Path.GetFullPath(requestPath);
        if (!File.Exists(full))
        {
            string dir = Path.GetDirectoryName(full)!;
            string why = Directory.Exists(dir)
                ? $"its folder '{dir}' exists but holds no such file"
                : $"its folder '{dir}' does not exist on this node";
            throw new WorkRequestNotFoundException(
                $"Work request '{full}' not found on host '{Environment.MachineName}': {why}. The artifacts folder must be on storage " +
                "that every node sees at the same path (NFS, Lustre, GPFS, …); a folder on a local disk or under /tmp of the submitting machine is invisible to the compute nodes.",
                full);
        }

        if (!full.EndsWith(RequestSuffix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{full}: a work request file name ends with '{RequestSuffix}'.");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(full)) as JsonObject ?? throw new InvalidDataException($"{full}: not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{full}: not valid JSON ({ex.Message}).", ex);
        }

        int format = root["format"]?.GetValue<int>() ?? 0;
        if (format != 1)
        {
            throw new InvalidDataException($"{full}: unknown request format {format} (this worker reads format 1).");
        }

        string kind = root["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{full}: 'kind' is missing.");
        string id = root["id"]?.GetValue<string>() ?? throw new InvalidDataException($"{full}: 'id' is missing.");
        var payload = root["payload"] as JsonObject ?? throw new InvalidDataException($"{full}: 'payload' is missing.");
        return new WorkRequest(full, kind, id, payload);
    }

    /// <summary>Returns a short, stable identifier from parts (SHA-256, 16 hex digits).</summary>
    /// <param name="parts">The parts (joined with a separator).</param>
    /// <returns>The hash.</returns>
    internal static string HashOf(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts)));
        return Convert.ToHexStringLower(hash)[..16];
    }

    private static string Stem(string requestPath)
    {
        ArgumentNullException.ThrowIfNull(requestPath);
        return requestPath.EndsWith(RequestSuffix, StringComparison.Ordinal) ? requestPath[..^RequestSuffix.Length] : requestPath;
    }

    internal static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
