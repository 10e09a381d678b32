using System.Diagnostics;

namespace Climb.Tests.ProxyTraining;

/// <summary>Finds a python3 that imports torch, and the shipped sample trainer's command template.</summary>
internal static class PythonTorch
{
    public static readonly string[] Candidates = ["/usr/bin/python3", "python3"];

    private static readonly Lazy<string?> Found = new(() => Candidates.FirstOrDefault(Imports));

    /// <summary>Gets a python3 that imports torch, or null.</summary>
    public static string? Python => Found.Value;

    /// <summary>Gets the sample trainer's path.</summary>
    public static string Sample => Path.Combine(RepoPaths.Root, "samples", "ExternalProxy", "train_proxy.py");

    /// <summary>The sample's command template with tiny settings (seconds per proxy on one CPU thread).</summary>
    public static string Template(string python) =>
        $"'{python}' '{Sample}' --mixture {{mixture}} --data {{data}} --output {{output}} --seed {{seed}} --steps 20 --batch 8 --context 64 --layers 1 --dim 32 --eval-bytes 4096";

    private static bool Imports(string python)
    {
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import torch");
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            return p.WaitForExit(60_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
