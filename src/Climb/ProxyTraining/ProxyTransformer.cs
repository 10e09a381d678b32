using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Climb;

/// <summary>
/// A decoder-only transformer: token embedding (tied with the output layer), learned or rotary positions,
/// pre-norm blocks of causal multi-head attention (scaled_dot_product_attention) and a GELU MLP, final LayerNorm.
/// With <see cref="LowPrecision"/> set, matrix products run in bfloat16 on fp32 master weights (TorchSharp has no
/// autocast; this casts at the same operations autocast would), while norms, softmax statistics and the loss stay fp32.
/// </summary>
internal sealed class ProxyTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding? wpe;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm ln_f;
    private readonly ProxyModelOptions _config;
    private readonly MixedPrecision _precision = new();
    private Tensor? _cos;
    private Tensor? _sin;

    public ProxyTransformer(ProxyModelOptions config, int vocabularySize)
        : base("proxy_transformer")
    {
        _config = config;
        VocabularySize = vocabularySize;
        wte = nn.Embedding(vocabularySize, config.ModelDimension);
        wpe = config.Positions == PositionEncoding.Learned ? nn.Embedding(config.ContextLength, config.ModelDimension) : null;
        blocks = new ModuleList<Block>();
        for (int i = 0; i < config.Layers; i++)
        {
            blocks.Add(new Block($"block{i}", config, _precision));
        }

        ln_f = nn.LayerNorm(config.ModelDimension);
        RegisterComponents();
        Initialize();
    }

    public int VocabularySize { get; }

    public bool LowPrecision
    {
        get => _precision.Low;
        set => _precision.Low = value;
    }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Logits [batch, time, vocabulary] (fp32) for ids [batch, time].</summary>
    public override Tensor forward(Tensor idx)
    {
        long t = idx.shape[1];
        if (t > _config.ContextLength)
        {
            throw new ArgumentException($"Sequence of {t} tokens exceeds the context length {_config.ContextLength}.");
        }

        var x = wte.forward(idx);
        if (wpe is not null)
        {
            using var length = t.ToScalar(); // held through the call: see HeldScalars
            x = x.add(wpe.forward(torch.arange(HeldScalars.Zero, length, HeldScalars.One, ScalarType.Int64, idx.device)), HeldScalars.One);
        }

        Tensor? cos = null, sin = null;
        if (_config.Positions == PositionEncoding.Rotary)
        {
            EnsureRotary(idx.device);
            cos = _cos!.narrow(0, 0, t);
            sin = _sin!.narrow(0, 0, t);
        }

        foreach (var block in blocks)
        {
            x = block.Forward(x, cos, sin);
        }

        x = ln_f.forward(x);
        return _precision.Linear(x, wte.weight!, null);
    }

    /// <summary>Casts matrix products to bfloat16 when <see cref="Low"/> is set (a manual autocast). Not a module, so blocks can share it.</summary>
    internal sealed class MixedPrecision
    {
        public bool Low { get; set; }

        internal Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
        {
            if (!Low)
            {
                return nn.functional.linear(x, weight, bias);
            }

            var y = nn.functional.linear(x.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16), bias?.to(ScalarType.BFloat16));
            return y.to(ScalarType.Float32);
        }

        internal Tensor Attention(Tensor q, Tensor k, Tensor v)
        {
            if (!Low)
            {
                return nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            }

            return nn.functional.scaled_dot_product_attention(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16), v.to(ScalarType.BFloat16), is_casual: true).to(ScalarType.Float32);
        }
    }

    private void EnsureRotary(Device device)
    {
        if (_cos is not null && _cos.device == device)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        int half = _config.HeadDimension / 2;
        using var halfScalar = half.ToScalar(); // Scalars held through the calls: see HeldScalars
        using var contextScalar = _config.ContextLength.ToScalar();
        var invFreq = torch.pow(10000.0, -torch.arange(HeldScalars.Zero, halfScalar, HeldScalars.One, ScalarType.Float64).div(halfScalar));
        var pos = torch.arange(HeldScalars.Zero, contextScalar, HeldScalars.One, ScalarType.Float64);
        var angles = torch.outer(pos, invFreq);
        _cos?.Dispose();
        _sin?.Dispose();
        _cos = angles.cos().to(ScalarType.Float32).to(device).DetachFromDisposeScope();
        _sin = angles.sin().to(ScalarType.Float32).to(device).DetachFromDisposeScope();
    }

    private void Initialize()
    {
        using var noGrad = torch.no_grad();
        double residualStd = 0.02 / Math.Sqrt(2.0 * _config.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                nn.init.zeros_(p);
            }
            else if (name.Contains("ln", StringComparison.Ordinal))
            {
                nn.init.ones_(p);
            }
            else if (name.EndsWith("c_proj.weight", StringComparison.Ordinal))
            {
                nn.init.normal_(p, 0, residualStd);
            }
            else
            {
                nn.init.normal_(p, 0, 0.02);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cos?.Dispose();
            _sin?.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static Tensor ApplyRotary(Tensor x, Tensor cos, Tensor sin)
    {
        // x: [B, H, T, D]; rotate-half form (GPT-NeoX): pairs (i, i + D/2).
        var halves = x.chunk(2, -1);
        var x1 = halves[0];
        var x2 = halves[1];
        return torch.cat([(x1 * cos) - (x2 * sin), (x1 * sin).add(x2 * cos, HeldScalars.One)], -1);
    }

    internal sealed class Block : nn.Module
    {
        private readonly LayerNorm ln_1;
        private readonly LayerNorm ln_2;
        private readonly Linear c_attn;
        private readonly Linear attn_c_proj;
        private readonly Linear c_fc;
        private readonly Linear mlp_c_proj;
        private readonly int _heads;
        private readonly int _headDim;
        private readonly MixedPrecision _owner;

        public Block(string name, ProxyModelOptions config, MixedPrecision owner)
            : base(name)
        {
            _heads = config.Heads;
            _headDim = config.HeadDimension;
            _owner = owner;
            int d = config.ModelDimension;
            ln_1 = nn.LayerNorm(d);
            ln_2 = nn.LayerNorm(d);
            c_attn = nn.Linear(d, 3 * d);
            attn_c_proj = nn.Linear(d, d);
            c_fc = nn.Linear(d, config.MlpRatio * d);
            mlp_c_proj = nn.Linear(config.MlpRatio * d, d);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor? cos, Tensor? sin)
        {
            long b = x.shape[0], t = x.shape[1], d = x.shape[2];
            var h = ln_1.forward(x);
            var qkv = _owner.Linear(h, c_attn.weight!, c_attn.bias).view(b, t, 3, _heads, _headDim).permute(2, 0, 3, 1, 4);
            var q = qkv[0];
            var k = qkv[1];
            var v = qkv[2];
            if (cos is not null && sin is not null)
            {
                q = ApplyRotary(q, cos, sin);
                k = ApplyRotary(k, cos, sin);
            }

            var y = _owner.Attention(q, k, v).transpose(1, 2).contiguous().view(b, t, d);
            x = x.add(_owner.Linear(y, attn_c_proj.weight!, attn_c_proj.bias), HeldScalars.One); // not x + …: see HeldScalars
            var m = nn.functional.gelu(_owner.Linear(ln_2.forward(x), c_fc.weight!, c_fc.bias));
            return x.add(_owner.Linear(m, mlp_c_proj.weight!, mlp_c_proj.bias), HeldScalars.One);
        }
    }
}
