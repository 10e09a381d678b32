using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Climb;

/// <summary>
/// The optimiser and the one optimisation step of every TorchSharp model Climb trains: the proxies and the shared base
/// (<see cref="TorchSharpProxyTrainer"/>) and DoReMi's reference and Group DRO models (<see cref="DoReMiTrainer"/>).
/// </summary>
internal static class ProxyTrainingStep
{
    /// <summary>AdamW (<see cref="ScalarSafeAdamW"/>) with weight decay on the matrices only (not on biases, norms or learned positions).</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The optimiser's options (learning rate, betas, weight decay).</param>
    /// <returns>The optimizer.</returns>
    internal static AdamW CreateOptimizer(ProxyTransformer model, TorchSharpProxyTrainerOptions options)
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, p) in model.named_parameters())
        {
            (p.dim() >= 2 && !name.Contains("wpe", StringComparison.Ordinal) ? decay : noDecay).Add(p);
        }

        return new ScalarSafeAdamW(
            [
                new AdamW.ParamGroup { Parameters = decay, Options = new AdamW.Options { weight_decay = options.WeightDecay } },
                new AdamW.ParamGroup { Parameters = noDecay, Options = new AdamW.Options { weight_decay = 0.0 } },
            ],
            options.LearningRate,
            options.Beta1,
            options.Beta2,
            eps: 1e-8);
    }

    /// <summary>The mean next-token cross-entropy of a batch of <paramref name="batch"/> windows of <paramref name="context"/> + 1 token ids (row-major).</summary>
    /// <param name="model">The model.</param>
    /// <param name="ids">The token ids, <paramref name="batch"/> × (<paramref name="context"/> + 1).</param>
    /// <param name="batch">The number of windows.</param>
    /// <param name="context">The context length (each window predicts its last <paramref name="context"/> tokens).</param>
    /// <param name="vocabulary">The model vocabulary size.</param>
    /// <param name="device">Where the model is.</param>
    /// <returns>The loss (in the current dispose scope).</returns>
    internal static Tensor NextTokenLoss(ProxyTransformer model, long[] ids, int batch, int context, int vocabulary, Device device)
    {
        var all = torch.tensor(ids, [batch, context + 1], dtype: ScalarType.Int64).to(device);
        var logits = model.forward(all.narrow(1, 0, context));
        return nn.functional.cross_entropy(logits.view(-1, vocabulary), all.narrow(1, 1, context).reshape(-1));
    }

    /// <summary>
    /// Back-propagates <paramref name="loss"/>, clips the gradient norm at <see cref="TorchSharpProxyTrainerOptions.GradientClip"/>
    /// (when positive), sets every group's learning rate and takes one optimiser step. Call it inside the dispose scope
    /// that made the loss.
    /// </summary>
    /// <param name="model">The model whose parameters the optimizer updates.</param>
    /// <param name="optimizer">The optimizer from <see cref="CreateOptimizer"/>.</param>
    /// <param name="loss">The scalar loss of this step's batch.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="options">The trainer's options (the gradient clip).</param>
    /// <returns>The loss before the step.</returns>
    internal static double Run(ProxyTransformer model, AdamW optimizer, Tensor loss, double learningRate, TorchSharpProxyTrainerOptions options)
    {
        optimizer.zero_grad();
        loss.backward();
        if (options.GradientClip > 0)
        {
            nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
        }

        foreach (var g in optimizer.ParamGroups)
        {
            g.LearningRate = learningRate;
        }

        optimizer.step();
        return loss.item<float>();
    }
}
