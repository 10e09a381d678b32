using Microsoft.Extensions.AI;

namespace Climb.Tests.Quality;

/// <summary>A hand-written <see cref="IChatClient"/> whose answers come from a callback (M.E.AI test style).</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private int _inFlight;
    private int _maxInFlight;
    private int _calls;

    /// <summary>Gets or sets the callback producing the answer text from the messages (the document is in the last user message of the first exchange).</summary>
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<string>> GetAnswerAsync { get; set; } =
        (_, _, _) => Task.FromResult("{}");

    public int Calls => Volatile.Read(ref _calls);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            var text = await GetAnswerAsync([.. messages], options, cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>Extracts the document text the annotator put between &lt;document&gt; markers.</summary>
    public static string DocumentOf(IReadOnlyList<ChatMessage> messages)
    {
        var user = messages.First(m => m.Role == ChatRole.User).Text;
        var start = user.IndexOf("<document>\n", StringComparison.Ordinal) + "<document>\n".Length;
        var end = user.IndexOf("\n</document>", StringComparison.Ordinal);
        return user[start..end];
    }

    /// <summary>Counts how many earlier attempts this conversation holds (rejected answers echoed back).</summary>
    public static int AttemptOf(IReadOnlyList<ChatMessage> messages) => messages.Count(m => m.Role == ChatRole.Assistant);
}
