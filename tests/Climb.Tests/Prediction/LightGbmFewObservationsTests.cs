namespace Climb.Tests.Prediction;

/// <summary>
/// LightGBM on the handful of observations of a first round: when no split gains any more it ends the model with a
/// single-leaf tree of value 0, which ML.NET could not convert (ArgumentNullException 'items', dotnet/machinelearning#5022),
/// and the search stopped. The observations are the first two rounds of a command-proxy search that failed that way.
/// </summary>
public class LightGbmFewObservationsTests
{
    private static readonly (double[] Weights, double Loss)[] Rounds =
    [
        ([0.0024, 0, 0.9976, 0, 0, 0], 0.4064786827454518),
        ([0, 0, 0, 1, 0, 0], 0.9491997529754619),
        ([0.2748549709941988, 0.240248049609922, 0.48489697939587917, 0, 0, 0], 0.44177658395553754),
        ([0.2718543708741748, 0.004800960192038408, 0.30406081216243247, 0.13302660532106422, 0.0028005601120224045, 0.2834566913382677], 0.5519599930527513),
        ([0.09498100379924015, 0, 0.12857428514297142, 0, 0.4779044191161768, 0.2985402919416117], 0.8326494140739836),
        ([0.010602120424084817, 0, 0.27205441088217647, 0, 0.7171434286857372, 0.00020004000800160032], 0.828612128258027),
    ];

    [Fact]
    public void Fits_and_predicts_on_every_prefix_of_a_small_round_for_many_seeds()
    {
        var predictor = new LightGbmMixturePredictor();
        for (int n = 4; n <= Rounds.Length; n++)
        {
            var observations = Rounds.Take(n).Select(r => (new MixtureWeights(r.Weights), r.Loss)).ToArray();
            for (int seed = 0; seed < 6; seed++)
            {
                var fitted = predictor.Fit(observations, seed);
                var predictions = new double[n];
                fitted.Predict(observations.Select(o => o.Item1).ToArray(), predictions);
                Assert.All(predictions, p => Assert.True(double.IsFinite(p), $"{n} observations, seed {seed}: prediction {p}"));
                Assert.Equal(n, fitted.Report.TrainingCount);
            }
        }
    }
}
