using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// An <see cref="IEmbedder"/> over Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so any
/// embedding service a .NET app already has (a local model, OpenAI, Azure, Ollama, ...) embeds the corpus.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="EmbedAsync"/> call is split into generator calls of at most
/// <see cref="EmbeddingGeneratorEmbedderOptions.BatchSize"/> texts; at most
/// <see cref="EmbeddingGeneratorEmbedderOptions.MaxConcurrency"/> calls are in flight at once over every caller of this
/// instance. A call that fails transiently (see <see cref="IsTransientFailure"/>) is retried with exponential backoff;
/// cancellation is honoured at once, also during a wait. A vector of the wrong length, or a reply with the wrong number
/// of vectors, is an error that names the model and both counts.
/// </para>
/// <para>
/// Use it through the pipeline's embed stage: its embedding store writes finished
/// shards atomically, so a build interrupted by a service outage resumes where it stopped and calls the service only
/// for the shards it lacks.
/// </para>
/// </remarks>
public sealed partial class EmbeddingGeneratorEmbedder : IEmbedder, IDisposable
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingGeneratorEmbedderOptions _options;
    private readonly Func<Exception, bool> _isTransient;
    private readonly SemaphoreSlim _slots;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingGeneratorEmbedder"/> class.</summary>
    /// <param name="generator">The embedding generator; the caller keeps ownership of it.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives a warning for every retry, or <see langword="null"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">Neither the options nor the generator's metadata name the model or the dimension.</exception>
    public EmbeddingGeneratorEmbedder(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingGeneratorEmbedderOptions? options = null,
        ILogger<EmbeddingGeneratorEmbedder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _options = OptionsValidation.Validate(options ?? new EmbeddingGeneratorEmbedderOptions(), nameof(options));
        _isTransient = _options.IsTransient ?? IsTransientFailure;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _logger = logger ?? (ILogger)NullLogger.Instance;

        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        string model = _options.ModelId ?? _options.GenerationOptions?.ModelId ?? metadata?.DefaultModelId
            ?? throw new ArgumentException(
                $"The embedding generator does not name its model: set {nameof(EmbeddingGeneratorEmbedderOptions)}.{nameof(EmbeddingGeneratorEmbedderOptions.ModelId)} " +
                "(it keeps vectors of different models out of one store).",
                nameof(options));
        int dimension = _options.Dimension ?? _options.GenerationOptions?.Dimensions ?? metadata?.DefaultModelDimensions
            ?? throw new ArgumentException(
                $"The embedding generator for '{model}' does not state its vector length: set {nameof(EmbeddingGeneratorEmbedderOptions)}.{nameof(EmbeddingGeneratorEmbedderOptions.Dimension)}.",
                nameof(options));
        if (dimension <= 0)
        {
            throw new ArgumentException($"The vector length of '{model}' must be positive, not {dimension}.", nameof(options));
        }

        string provider = metadata?.ProviderName is { Length: > 0 } p ? p + "/" : string.Empty;
        Identity = string.Create(
            CultureInfo.InvariantCulture,
            $"meai:{provider}{model};dim={dimension};normalize={(_options.Normalize ? 1 : 0)}");
        Info = new EmbedderInfo(Identity, dimension);
    }

    /// <inheritdoc />
    public EmbedderInfo Info { get; }

    /// <summary>
    /// Gets a stable identity of this component: its kind, every option that changes its output (provider, model,
    /// dimension, normalisation). Batching, concurrency and retries do not change the vectors and are not part of it.
    /// </summary>
    public string Identity { get; }

    /// <summary>
    /// The default test of a transient failure: a network or HTTP failure (<see cref="HttpRequestException"/>, with a
    /// status of 408, 429 or 5xx when one is known), an <see cref="IOException"/>, a <see cref="TimeoutException"/>, or a
    /// cancellation that the caller did not ask for (a client-side timeout).
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when retrying may succeed.</returns>
    public static bool IsTransientFailure(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => (int)status is 408 or 429 or >= 500,
        HttpRequestException => true,
        TimeoutException or IOException => true,
        OperationCanceledException => true, // only reached when the caller's token is not cancelled
        AggregateException { InnerExceptions.Count: > 0 } a => a.InnerExceptions.All(IsTransientFailure),
        _ => false,
    };

    /// <inheritdoc />
    public async Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text {i} is null.", nameof(texts));
            }
        }

        var matrix = new EmbeddingMatrix(texts.Count, Info.Dimension);
        if (texts.Count == 0)
        {
            return matrix;
        }

        int size = _options.BatchSize;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = new List<Task>((texts.Count + size - 1) / size);
        for (int start = 0; start < texts.Count; start += size)
        {
            batches.Add(EmbedBatchAsync(texts, start, Math.Min(size, texts.Count - start), matrix, linked));
        }

        try
        {
            await Task.WhenAll(batches).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && batches.FirstOrDefault(b => b.IsFaulted) is { } failed)
        {
            // One batch failed for good and the others were cancelled: report that failure, not a cancellation.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
        }

        return matrix;
    }

    /// <summary>Does nothing to the generator, which the caller owns; releases the concurrency gate.</summary>
    public void Dispose() => _slots.Dispose();

    private async Task EmbedBatchAsync(
        IReadOnlyList<string> texts, int start, int count, EmbeddingMatrix matrix, CancellationTokenSource siblings)
    {
        var batch = new string[count];
        for (int i = 0; i < count; i++)
        {
            batch[i] = texts[start + i];
        }

        CancellationToken token = siblings.Token;
        try
        {
            GeneratedEmbeddings<Embedding<float>> result = await GenerateWithRetriesAsync(batch, start, token).ConfigureAwait(false);
            if (result.Count != count)
            {
                throw new InvalidDataException(
                    $"The embedding generator for '{Info.ModelId}' returned {result.Count} vectors for {count} texts (texts {start}..{start + count - 1} of the call).");
            }

            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> vector = result[i].Vector.Span;
                if (vector.Length != Info.Dimension)
                {
                    throw new InvalidDataException(
                        $"The embedding generator for '{Info.ModelId}' returned a vector of length {vector.Length} for text {start + i}; the embedder's dimension is {Info.Dimension}. " +
                        $"Set {nameof(EmbeddingGeneratorEmbedderOptions)}.{nameof(EmbeddingGeneratorEmbedderOptions.Dimension)} (or the generation options' Dimensions) to the model's real length.");
                }

                Span<float> row = matrix[start + i];
                vector.CopyTo(row);
                if (_options.Normalize)
                {
                    float norm = TensorPrimitives.Norm(row);
                    if (norm > 0)
                    {
                        TensorPrimitives.Divide(row, norm, row);
                    }
                }
            }
        }
        catch (Exception)
        {
            await siblings.CancelAsync().ConfigureAwait(false); // stop the other batches of this call
            throw;
        }
    }

    private async Task<GeneratedEmbeddings<Embedding<float>>> GenerateWithRetriesAsync(
        string[] batch, int start, CancellationToken token)
    {
        for (int attempt = 0; ; attempt++)
        {
            TimeSpan delay;
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                return await _generator.GenerateAsync(batch, _options.GenerationOptions, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested && attempt < _options.MaxRetries && _isTransient(ex))
            {
                delay = RetryDelay(attempt);
                LogRetry(_logger, Info.ModelId, start, batch.Length, attempt + 1, _options.MaxRetries, delay.TotalSeconds, ex.GetType().Name, ex.Message);
            }
            finally
            {
                _slots.Release(); // a waiting batch does not hold a slot
            }

            await Task.Delay(delay, token).ConfigureAwait(false);
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        double upper = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, attempt));
        return TimeSpan.FromMilliseconds(upper * (0.5 + (0.5 * Random.Shared.NextDouble())));
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning,
        Message = "Embedding generator '{Model}' failed on texts {Start}+{Count} (attempt {Attempt} of {MaxRetries} retries; waiting {Seconds:F1} s): {Error}: {Detail}")]
    private static partial void LogRetry(ILogger logger, string model, int start, int count, int attempt, int maxRetries, double seconds, string error, string detail);
}
