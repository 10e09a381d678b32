using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace Climb;

/// <summary>
/// Embeds texts with a sentence-transformers (BERT-family) ONNX export: WordPiece tokenization from <c>vocab.txt</c>,
/// truncation, length-bucketed batches, mean or [CLS] pooling and L2 normalization; CUDA when available.
/// </summary>
/// <remarks>
/// The model's inputs are read from its metadata: <c>input_ids</c> and <c>attention_mask</c> are required,
/// <c>token_type_ids</c> is fed (zeros) when the model has it. Safe for concurrent use. Dispose to free the session.
/// The package references only the managed ONNX Runtime; the application adds <c>Microsoft.ML.OnnxRuntime</c> (CPU)
/// or <c>Microsoft.ML.OnnxRuntime.Gpu</c> (CUDA).
/// </remarks>
public sealed partial class OnnxEmbedder : IEmbedder, IDisposable
{
    /// <summary>Changes whenever the tokenization of some text changes, so that stores embedded before are not reused.</summary>
    /// <remarks>2: Hugging Face's normalization (line breaks and tabs are spaces, Hangul stays decomposed, format characters are dropped).</remarks>
    private const int TokenizationVersion = 2;

    private readonly OnnxEmbedderOptions _options;
    private readonly ILogger _logger;
    private readonly OnnxModelSource _source;
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string _idsInput;
    private readonly string _maskInput;
    private readonly string? _typesInput;
    private readonly bool _int32Inputs;
    private readonly string _output;
    private readonly bool _pooledOutput;

    /// <summary>Initializes a new embedder, loading the model and the vocabulary.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">
    /// The model or the vocabulary is missing: a file, or the assembly named by <see cref="OnnxEmbedderOptions.ModelAssembly"/>
    /// (the application does not reference its package) or one of its two resources.
    /// </exception>
    /// <exception cref="NotSupportedException">The model's inputs or outputs are not those of a BERT-family encoder.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the model, or the vocabulary is damaged (a duplicate entry, a missing special token).</exception>
    /// <exception cref="InvalidOperationException"><see cref="ComputeDevice.Cuda"/> was asked for and CUDA is unavailable.</exception>
    public OnnxEmbedder(OnnxEmbedderOptions options, ILogger<OnnxEmbedder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = OptionsValidation.Validate(options, nameof(options));
        _logger = logger ?? NullLogger<OnnxEmbedder>.Instance;
        _source = _options.ModelAssembly is { } assembly
            ? OnnxModelSource.FromAssembly(assembly)
            : OnnxModelSource.FromFiles(_options.ModelPath, _options.VocabularyPath);
        string model = _source.Description;
        try
        {
            using var vocabulary = _source.OpenVocabulary();
            _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
            {
                // Hugging Face's normalization, not the library's (BertTextNormalizer says how they differ).
                Normalizer = new BertTextNormalizer(_options.LowerCase),
                LowerCaseBeforeTokenization = false,
                RemoveNonSpacingMarks = false,
                IndividuallyTokenizeCjk = false,
                PreTokenizer = new RegexPreTokenizer(BertPreTokenization(), specialTokens: null),
            });
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // A duplicate entry or a missing special token (found by fuzzing) is a damaged vocabulary, named as such.
            throw new InvalidDataException($"The vocabulary {_source.VocabularyFile ?? "of " + model} cannot be used: {ex.Message}", ex);
        }

        (_session, Device) = CreateSession(model);
        try
        {
            var inputs = _session.InputMetadata;
            _idsInput = inputs.Keys.FirstOrDefault(k => k.Contains("input_ids", StringComparison.OrdinalIgnoreCase))
                ?? throw new NotSupportedException($"{model} has no input_ids input (inputs: {string.Join(", ", inputs.Keys)}).");
            _maskInput = inputs.Keys.FirstOrDefault(k => k.Contains("attention_mask", StringComparison.OrdinalIgnoreCase))
                ?? throw new NotSupportedException($"{model} has no attention_mask input (inputs: {string.Join(", ", inputs.Keys)}).");
            _typesInput = inputs.Keys.FirstOrDefault(k => k.Contains("token_type_ids", StringComparison.OrdinalIgnoreCase));
            var unknown = inputs.Keys.Where(k => k != _idsInput && k != _maskInput && k != _typesInput).ToList();
            if (unknown.Count > 0)
            {
                throw new NotSupportedException($"{model} has inputs this embedder cannot feed: {string.Join(", ", unknown)}.");
            }

            var idsType = inputs[_idsInput].ElementType;
            if (idsType != typeof(long) && idsType != typeof(int))
            {
                throw new NotSupportedException($"{model}: input {_idsInput} is of type {idsType.Name}; int64 or int32 is required.");
            }

            _int32Inputs = idsType == typeof(int);
            (_output, _pooledOutput, int dimension) = ChooseOutput(model);
            if (dimension <= 0)
            {
                dimension = RunBatch([[_tokenizer.ClassificationTokenId, _tokenizer.SeparatorTokenId]]).Dimension;
            }

            Info = new EmbedderInfo(_options.ModelId ?? BuildModelId(), dimension);
            LogLoaded(_source.ModelFile is { } file ? Path.GetFileName(file) : _source.Description, Device, string.Join(", ", inputs.Keys), _output, dimension);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public EmbedderInfo Info { get; }

    /// <summary>Gets the options this embedder was built with (a worker on another node rebuilds it from them).</summary>
    internal OnnxEmbedderOptions BuiltWith => _options;

    /// <summary>Gets where the model came from (its files, or the assembly that carries it).</summary>
    internal OnnxModelSource Source => _source;

    /// <summary>Gets where the model runs: <c>CUDA:&lt;id&gt;</c> or <c>CPU</c>.</summary>
    public string Device { get; }

    /// <inheritdoc />
    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            }
        }

        return Task.Run(() => Embed(texts, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    /// <summary>Tokenizes one text as the model sees it: [CLS], at most <see cref="OnnxEmbedderOptions.MaxTokens"/> − 2 WordPiece ids, [SEP].</summary>
    internal int[] Tokenize(string text)
    {
        int budget = _options.MaxTokens - 2;

        // Ask for a little more than the budget: the tokenizer stops at word boundaries, truncation is per token.
        // Long texts are first cut to a prefix (the tokenizer normalizes its whole input); the prefix is enough when it
        // yields more than budget + 100 tokens, since the word cut at its end (at most 100 pieces) is then past the budget.
        int cap = budget + 128;
        int prefix = (int)Math.Min(text.Length, cap * 16L);
        var ids = _tokenizer.EncodeToIds(text.AsSpan(0, prefix), cap, addSpecialTokens: false, out _, out _);
        if (prefix < text.Length && ids.Count <= budget + 100)
        {
            ids = _tokenizer.EncodeToIds(text, cap, addSpecialTokens: false, out _, out _);
        }
        int n = Math.Min(ids.Count, budget);
        var result = new int[n + 2];
        result[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < n; i++)
        {
            result[i + 1] = ids[i];
        }

        result[^1] = _tokenizer.SeparatorTokenId;
        return result;
    }

    /// <summary>
    /// Hugging Face's BERT pre-tokenization: a punctuation character (ASCII symbols or Unicode P*) alone, or a run of
    /// anything else up to whitespace. The library's default drops other symbols (€, ©, emoji) instead of passing them
    /// to WordPiece, which changes the vectors. Literal "[SEP]", "[CLS]"… in a document are ordinary text (lower-cased
    /// before pre-tokenization), so a document cannot inject special tokens (Hugging Face would map them to their ids).
    /// </summary>
    [GeneratedRegex(@"[!-/:-@\[-`{-~\p{P}]|[^\s!-/:-@\[-`{-~\p{P}]+", RegexOptions.CultureInvariant)]
    private static partial Regex BertPreTokenization();

    private EmbeddingMatrix Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new EmbeddingMatrix(texts.Count, Info.Dimension);
        if (texts.Count == 0)
        {
            return result;
        }

        var tokens = new int[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => tokens[i] = Tokenize(texts[i]));

        // Length buckets: longest first, so each batch pads to nearly its own length; rows go back to their places.
        int[] order = Enumerable.Range(0, texts.Count).OrderByDescending(i => tokens[i].Length).ThenBy(i => i).ToArray();
        for (int start = 0, count; start < order.Length; start += count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            count = Math.Min(_options.BatchSize, order.Length - start);
            if (_options.BatchTokens > 0)
            {
                // The first text of a batch is its longest: the batch pads to its length.
                count = Math.Clamp(_options.BatchTokens / tokens[order[start]].Length, 1, count);
            }

            var batch = new int[count][];
            for (int b = 0; b < count; b++)
            {
                batch[b] = tokens[order[start + b]];
            }

            var vectors = RunBatch(batch);
            for (int b = 0; b < count; b++)
            {
                Span<float> row = result[order[start + b]];
                vectors[b].CopyTo(row);
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

        return result;
    }

    private EmbeddingMatrix RunBatch(int[][] batch)
    {
        int rows = batch.Length;
        int length = batch.Max(t => t.Length);
        var shape = new long[] { rows, length };
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            Array.Fill(ids, _tokenizer.PaddingTokenId, r * length, length);
            for (int t = 0; t < batch[r].Length; t++)
            {
                ids[r * length + t] = batch[r][t];
                mask[r * length + t] = 1;
            }
        }

        var names = new List<string> { _idsInput, _maskInput };
        var values = new List<OrtValue>();
        try
        {
            values.Add(Tensor(ids, shape));
            values.Add(Tensor(mask, shape));
            if (_typesInput is not null)
            {
                names.Add(_typesInput);
                values.Add(Tensor(new long[rows * length], shape));
            }

            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = _session.Run(runOptions, names, values, [_output]);
            }
            catch (OnnxRuntimeException ex)
            {
                // A model that loads but cannot run (a node's shapes do not fit; found by fuzzing) is a damaged model.
                throw new InvalidDataException($"The ONNX model {_source.Description} cannot run: {ex.Message}", ex);
            }

            using var disposeOutputs = outputs;
            var output = outputs[0];
            var info = output.GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new NotSupportedException($"Output {_output} is of type {info.ElementDataType}; float32 is required.");
            }

            long[] dims = info.Shape;
            ReadOnlySpan<float> data = output.GetTensorDataAsSpan<float>();
            int hidden = (int)dims[^1];
            var pooled = new EmbeddingMatrix(rows, hidden);
            if (_pooledOutput)
            {
                data[..(rows * hidden)].CopyTo(pooled.Data);
                return pooled;
            }

            for (int r = 0; r < rows; r++)
            {
                Span<float> target = pooled[r];
                ReadOnlySpan<float> tokensOfRow = data.Slice(r * length * hidden, length * hidden);
                if (_options.Pooling == OnnxPooling.Cls)
                {
                    tokensOfRow[..hidden].CopyTo(target);
                    continue;
                }

                int n = batch[r].Length;
                for (int t = 0; t < n; t++)
                {
                    TensorPrimitives.Add(target, tokensOfRow.Slice(t * hidden, hidden), target);
                }

                TensorPrimitives.Divide(target, n, target);
            }

            return pooled;
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    private OrtValue Tensor(long[] data, long[] shape) =>
        _int32Inputs
            ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (int)v), shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);

    private (InferenceSession Session, string Device) CreateSession(string model)
    {
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _options.IntraOpThreads;
        }

        string device = "CPU";
        if (_options.Device != ComputeDevice.Cpu)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(_options.CudaDeviceId);
                device = "CUDA:" + _options.CudaDeviceId.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or TypeInitializationException)
            {
                if (_options.Device == ComputeDevice.Cuda)
                {
                    throw new InvalidOperationException($"The CUDA execution provider is unavailable ({ex.Message}); reference Microsoft.ML.OnnxRuntime.Gpu and install CUDA, or use ComputeDevice.Auto/Cpu.", ex);
                }

                LogCudaUnavailable(ex.Message);
            }
        }

        try
        {
            return (_source.ModelBytes is { } bytes ? new InferenceSession(bytes, sessionOptions) : new InferenceSession(_source.ModelFile!, sessionOptions), device);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load {model}: {ex.Message}", ex);
        }
    }

    private (string Name, bool Pooled, int Dimension) ChooseOutput(string model)
    {
        var outputs = _session.OutputMetadata;
        string name = _options.OutputName
            ?? new[] { "sentence_embedding", "last_hidden_state", "token_embeddings" }.FirstOrDefault(outputs.ContainsKey)
            ?? outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3).Key
            ?? throw new NotSupportedException($"{model} has no 3-D (token vectors) or sentence_embedding output (outputs: {string.Join(", ", outputs.Keys)}).");
        if (!outputs.TryGetValue(name, out var meta))
        {
            throw new NotSupportedException($"{model} has no output '{name}' (outputs: {string.Join(", ", outputs.Keys)}).");
        }

        if (meta.Dimensions.Length is not (2 or 3))
        {
            throw new NotSupportedException($"{model}: output '{name}' has {meta.Dimensions.Length} dimensions; 3 (batch, token, hidden) or 2 (batch, hidden) are supported.");
        }

        return (name, meta.Dimensions.Length == 2, meta.Dimensions[^1]);
    }

    private string BuildModelId()
    {
        var (model, vocab) = _source.ContentHashes();
        return string.Create(CultureInfo.InvariantCulture,
            $"onnx:{_source.Name}:{model};vocab={vocab};tok={TokenizationVersion};out={_output};pool={(_pooledOutput ? "model" : _options.Pooling.ToString().ToLowerInvariant())};max={_options.MaxTokens};lower={(_options.LowerCase ? 1 : 0)};norm={(_options.Normalize ? 1 : 0)}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ONNX embedder {Model} on {Device}: inputs {Inputs}, output {Output}, dimension {Dimension}")]
    private partial void LogLoaded(string model, string device, string inputs, string output, int dimension);

    [LoggerMessage(Level = LogLevel.Information, Message = "CUDA execution provider unavailable, running ONNX on the CPU: {Reason}")]
    private partial void LogCudaUnavailable(string reason);
}
