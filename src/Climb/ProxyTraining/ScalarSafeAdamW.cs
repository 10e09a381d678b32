using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Climb;

/// <summary>
/// TorchSharp's AdamW whose step holds every Scalar it passes to libtorch until the call returns (see
/// <see cref="HeldScalars"/> for why TorchSharp 0.107's own step, which converts each hyper-parameter to a temporary
/// Scalar, fails now and then when other threads allocate). Same arithmetic in the same order as TorchSharp's step, so
/// the parameters come out bitwise the same; same state objects, so save_state_dict and load_state_dict are unchanged.
/// </summary>
internal sealed class ScalarSafeAdamW : AdamW
{
    /// <summary>Initializes the optimizer (no AMSGrad, no maximisation: Climb uses neither).</summary>
    /// <param name="groups">The parameter groups (each with its weight decay).</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="beta1">The first moment's decay.</param>
    /// <param name="beta2">The second moment's decay.</param>
    /// <param name="eps">The denominator's stabiliser.</param>
    public ScalarSafeAdamW(IEnumerable<ParamGroup> groups, double learningRate, double beta1, double beta2, double eps)
        : base(groups, learningRate, beta1, beta2, eps)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    private void Update(ParamGroup group)
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true)
        {
            throw new NotSupportedException("ScalarSafeAdamW implements neither AMSGrad nor maximisation.");
        }

        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        using var decay = (1 - (lr * options.weight_decay!.Value)).ToScalar();
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            state.step += 1;
            param.mul_(decay);
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(b1).add_(grad, oneMinusB1);
            state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
            using var root = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-(lr / biasCorrection1)).ToScalar();
            var denom = state.exp_avg_sq.sqrt().div(root).add_(eps, HeldScalars.One);
            param.addcdiv_(state.exp_avg, denom, stepSize);
        }
    }
}
