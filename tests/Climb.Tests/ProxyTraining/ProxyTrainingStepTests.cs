using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// The one training step of the proxies and DoReMi (<see cref="ProxyTrainingStep"/>), and why it does not use TorchSharp's
/// own AdamW step: TorchSharp 0.107 hands libtorch temporary Scalars that a garbage collection on another thread can
/// finalize mid-call (issue 21 item 5, the DoReMi test that failed under the full suite).
/// </summary>
public class ProxyTrainingStepTests
{
    /// <summary>
    /// Trains the proxy transformer (learned and rotary positions) while another thread collects and finalizes
    /// continuously. With TorchSharp's AdamW step and <c>x + y</c> in the forward pass, this loop failed 6 runs out of 6
    /// within 150 steps (after 5 to 80 steps) with libtorch's "Expected false to be true" (<c>Scalar::toDouble</c>) or
    /// "Unknown scalar type": the c10::Scalar had been freed by the finalizer while libtorch read it.
    /// </summary>
    [Theory]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Rotary)]
    public void TrainingStepsSurviveGarbageCollectionsOnAnotherThread(PositionEncoding positions)
    {
        const int Vocabulary = 40, Batch = 4, Context = 32, Steps = 150;
        var options = new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 1, ModelDimension = 32, Heads = 2, ContextLength = Context, Positions = positions },
            BatchSize = Batch,
            Device = ComputeDevice.Cpu,
        };
        ProxyTransformer model;
        lock (DevicePlacement.SeedLock)
        {
            torch.manual_seed(1);
            model = new ProxyTransformer(options.Model, Vocabulary);
        }

        using var owned = model;
        using var optimizer = ProxyTrainingStep.CreateOptimizer(model, options);
        var stop = new ManualResetEventSlim();
        long collections = 0;
        var collector = new Thread(() =>
        {
            while (!stop.IsSet)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        });
        collector.Start();
        var random = new Random(3);
        var ids = new long[Batch * (Context + 1)];
        var losses = new List<double>();
        try
        {
            // At least Steps steps, and on until the collector has run as many collections (on 2 busy cores it can lag).
            for (int step = 0; step < Steps || (Interlocked.Read(ref collections) < Steps && step < 20 * Steps); step++)
            {
                for (int row = 0; row < Batch; row++)
                {
                    int start = random.Next(Vocabulary); // each row counts up from a random token: learnable
                    for (int j = 0; j <= Context; j++)
                    {
                        ids[(row * (Context + 1)) + j] = (start + j) % Vocabulary;
                    }
                }

                using (torch.NewDisposeScope())
                {
                    var loss = ProxyTrainingStep.NextTokenLoss(model, ids, Batch, Context, Vocabulary, torch.CPU);
                    losses.Add(ProxyTrainingStep.Run(model, optimizer, loss, 3e-3, options));
                }
            }
        }
        finally
        {
            stop.Set();
            collector.Join();
        }

        Assert.True(collections >= Steps, $"the collector ran {collections} collections over {losses.Count} steps");
        Assert.True(losses.TakeLast(10).Average() < losses.Take(10).Average() - 0.5, $"training must learn: loss {losses.Take(10).Average():F3} -> {losses.TakeLast(10).Average():F3}");
    }

    /// <summary>The step is AdamW (decoupled weight decay, bias-corrected moments), checked against the update written out in doubles.</summary>
    [Fact]
    public void ScalarSafeAdamWIsAdamWWithDecoupledWeightDecay()
    {
        const double Lr = 0.01, Beta1 = 0.9, Beta2 = 0.95, Eps = 1e-8, Decay = 0.1;
        double[] matrix0 = [0.5, -1.0, 2.0, 0.25, -0.75, 1.5];
        double[] bias0 = [0.3, -0.2];
        using var matrix = new Parameter(torch.tensor(matrix0.Select(v => (float)v).ToArray(), [2, 3]));
        using var bias = new Parameter(torch.tensor(bias0.Select(v => (float)v).ToArray(), [2]));
        using var optimizer = new ScalarSafeAdamW(
            [
                new AdamW.ParamGroup { Parameters = [matrix], Options = new AdamW.Options { weight_decay = Decay } },
                new AdamW.ParamGroup { Parameters = [bias], Options = new AdamW.Options { weight_decay = 0.0 } },
            ],
            Lr,
            Beta1,
            Beta2,
            Eps);

        for (int t = 1; t <= 5; t++)
        {
            optimizer.zero_grad();
            using (torch.NewDisposeScope())
            {
                var c = torch.tensor(Enumerable.Range(0, matrix0.Length).Select(i => (float)Gradient(t, i)).ToArray(), [2, 3]);
                var d = torch.tensor(Enumerable.Range(0, bias0.Length).Select(i => (float)Gradient(t, i)).ToArray(), [2]);
                ((matrix * c).sum() + (bias * d).sum()).backward();
                optimizer.step();
            }
        }

        var expectedMatrix = Reference(matrix0, Decay);
        var expectedBias = Reference(bias0, 0);
        Assert.Equal(expectedMatrix, Values(matrix), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(expectedBias, Values(bias), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.All(expectedMatrix.Zip(matrix0, (a, b) => Math.Abs(a - b)), moved => Assert.True(moved > 1e-3, $"every parameter must have moved (by {moved:G3}), far beyond the tolerance"));

        // AdamW as PyTorch writes it: p ← p(1 − lr·λ); m, v the moments; p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
        double[] Reference(double[] p0, double weightDecay)
        {
            var p = (double[])p0.Clone();
            var m = new double[p.Length];
            var v = new double[p.Length];
            for (int t = 1; t <= 5; t++)
            {
                double correction1 = 1 - Math.Pow(Beta1, t), correction2 = 1 - Math.Pow(Beta2, t);
                for (int i = 0; i < p.Length; i++)
                {
                    double g = Gradient(t, i);
                    p[i] *= 1 - (Lr * weightDecay);
                    m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g);
                    v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g * g);
                    p[i] -= Lr / correction1 * m[i] / ((Math.Sqrt(v[i]) / Math.Sqrt(correction2)) + Eps);
                }
            }

            return p;
        }

        // The gradients the optimizer is driven with: loss = Σ cᵢ pᵢ, so ∂loss/∂pᵢ = cᵢ.
        static double Gradient(int t, int i) => Math.Sin((3 * t) + i) * (1 + i);
    }

    private static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).data<double>().ToArray();
}
