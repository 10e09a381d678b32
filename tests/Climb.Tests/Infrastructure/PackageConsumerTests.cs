using System.Security.Cryptography;

namespace Climb.Tests.Infrastructure;

/// <summary>
/// The package works in a new app: packs the library to a local feed, creates a console app that references Climb,
/// libtorch-cpu-linux-x64 and Microsoft.ML.OnnxRuntime from that feed (and the machine's NuGet sources), builds it and
/// trains one transformer proxy step in it. On Debian 12 this only works through the buildTransitive GLIBCXX fix.
/// </summary>
[Collection(nameof(PackagingCollection))]
public class PackageConsumerTests
{
    private const string ConsumerProgram = """
        using Climb;

        string dir = Path.Combine(Path.GetTempPath(), "climb-consumer-" + Guid.NewGuid().ToString("N"));
        using (var store = await TokenizedClusterStore.BuildAsync(dir, ByteTokenizer.Instance, [Docs("alpha", 100), Docs("beta", 100)]))
        {
            var trainer = new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions
            {
                Model = new ProxyModelOptions { Layers = 1, ModelDimension = 32, Heads = 2, ContextLength = 32 },
                TokenBudget = 4 * 32, // one optimiser step of 4 sequences of 32 tokens
                BatchSize = 4,
                Device = ComputeDevice.Auto, // probes CUDA first, as a user's app would
            });
            var result = await trainer.TrainAsync(new ProxyTrainingRequest
            {
                Mixture = new MixtureWeights([0.5, 0.5]),
                Seed = 1,
                Data = store,
                Targets = [new TextTarget("held", ["alpha document 999: the quick brown fox jumps over the lazy dog."])],
            });
            Console.WriteLine($"CONSUMER-OK tokens={result.TokensTrained} device={result.Device} loss={result.Metrics["train/loss_first"]:0.00}");
        }

        Directory.Delete(dir, recursive: true);

        static async IAsyncEnumerable<Document> Docs(string prefix, int n)
        {
            for (int i = 0; i < n; i++)
            {
                await Task.Yield();
                yield return new Document($"{prefix}{i}", $"{prefix} document {i}: the quick brown fox jumps over the lazy dog {i * 7}.");
            }
        }
        """;

    [Fact]
    public async Task A_fresh_console_app_builds_against_the_nupkg_and_trains_a_transformer_step_with_a_clean_console()
    {
        string work = Directory.CreateTempSubdirectory("climb-consumer-").FullName;
        string version = ClimbPackage.Version + "-consumer" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            string feed = Path.Combine(work, "feed");
            string nupkg = await ClimbPackage.PackAsync(feed, version);
            using (var zip = System.IO.Compression.ZipFile.OpenRead(nupkg))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("buildTransitive/Climb.targets", names);
                Assert.Contains("buildTransitive/Climb.TorchSharpFix.targets", names);
                Assert.Contains("buildTransitive/ClimbPatchElfVersionNeed.cs", names);
            }

            string app = Path.Combine(work, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="climb-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "ConsumerApp.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Climb" Version="{version}" />
                    <PackageReference Include="libtorch-cpu-linux-x64" Version="{ChildProcess.CentralVersion("libtorch-cpu-linux-x64")}" />
                    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{ChildProcess.CentralVersion("Microsoft.ML.OnnxRuntime")}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsumerProgram);

            string cached = Path.Combine(ChildProcess.NuGetPackagesFolder, "torchsharp", ChildProcess.CentralVersion("TorchSharp"), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            string? cacheHashBefore = File.Exists(cached) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(cached))) : null;

            var build = await ChildProcess.RunAsync("dotnet", ["build", "-c", "Release"], app, TimeSpan.FromMinutes(6));
            Assert.True(build.ExitCode == 0, "consumer build failed:\n" + build.Both);

            bool systemLacksVersion = SystemLibStdCxxLacks("GLIBCXX_3.4.32");
            string outputCopy = Directory.EnumerateFiles(Path.Combine(app, "bin", "Release"), "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
            if (systemLacksVersion)
            {
                Assert.Contains("Climb: marked GLIBCXX_3.4.32 weak in", build.StandardOutput, StringComparison.Ordinal);
                Assert.NotEqual(File.ReadAllBytes(cached), File.ReadAllBytes(outputCopy)); // the app's copy was patched...
            }
            else
            {
                Assert.DoesNotContain("Climb: marked", build.StandardOutput, StringComparison.Ordinal);
            }

            if (cacheHashBefore is not null)
            {
                Assert.Equal(cacheHashBefore, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(cached)))); // ...never the cache's
            }

            var run = await ChildProcess.RunAsync("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "ConsumerApp.dll")], app, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, "consumer app failed:\n" + run.Both);

            // The console holds the app's own line and nothing else: no TorchSharp loader trace, no native-library warnings.
            var lines = run.Both.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string line = Assert.Single(lines);
            Assert.Matches(@"^CONSUMER-OK tokens=128 device=cpu loss=\d+\.\d\d$", line);
        }
        finally
        {
            ClimbPackage.EvictFromNuGetCache(version);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static bool SystemLibStdCxxLacks(string versionName)
    {
        string? lib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (lib is null || !OperatingSystem.IsLinux())
        {
            return false;
        }

        byte[] needle = System.Text.Encoding.ASCII.GetBytes(versionName + "\0");
        return File.ReadAllBytes(lib).AsSpan().IndexOf(needle) < 0;
    }
}

/// <summary>Tests that pack the library and restore it run one at a time.</summary>
[CollectionDefinition(nameof(PackagingCollection))]
public sealed class PackagingCollection
{
}
