using System.Diagnostics;

namespace Climb.Tests.Reporting;

/// <summary>Runs Debian's chromium headless (as the CI installs it) to render pages.</summary>
internal static class HeadlessChromium
{
    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static async Task<string> RunAsync(string htmlPath, string extraArgument, TimeSpan timeout)
    {
        string exe = Executable ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium); .ci/run installs it.");
        string profile = Directory.CreateTempSubdirectory("climb-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000", extraArgument, new Uri(htmlPath).AbsoluteUri,
            })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in " + timeout + ": " + await stderr);
            }

            return await stdout;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
