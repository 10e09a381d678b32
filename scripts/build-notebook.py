#!/usr/bin/env python3
"""Generate samples/notebooks/custom-embedder.ipynb from samples/CustomEmbedder/Program.cs.

The sample project compiles in CI, so the notebook's code is known to compile; a test checks that the
notebook's code cells still equal the project's `// cell N: title` sections.
"""
import json, os, re
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(root, "samples", "CustomEmbedder", "Program.cs"), encoding="utf-8").read()
usings = "".join(l + "\n" for l in src.splitlines() if l.startswith("using "))
cells = sorted((int(n), t, b.strip("\n")) for n, t, b in re.findall(r"// cell (\d+): ([^\n]*)\n(.*?)(?=\n// cell \d+: |\Z)", src, re.S))
version = re.search(r"<Version>([^<]+)</Version>", open(os.path.join(root, "src", "Climb", "Climb.csproj")).read()).group(1)
props = open(os.path.join(root, "Directory.Packages.props"), encoding="utf-8").read()
def central(pkg): return re.search(r'<PackageVersion Include="' + re.escape(pkg) + r'" Version="([^"]+)"', props).group(1)
# A notebook kernel resolves relative paths against wherever it started, and `#i "nuget: ..."` accepts only an
# absolute path ("Invalid URI" otherwise): find the clone's root, work from there, and add its .nupkg folder.
SETUP = """using System.IO;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;

var repo = new DirectoryInfo(Environment.CurrentDirectory);
while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Climb.sln")))
{
    repo = repo.Parent;
}

if (repo is null)
{
    throw new InvalidOperationException("Open this notebook inside a Climb clone: no Climb.sln above " + Environment.CurrentDirectory);
}

Directory.SetCurrentDirectory(repo.FullName); // the data paths below are relative to the repository root
await Kernel.Root.SendAsync(new SubmitCode($"#i \\"nuget: {Path.Combine(repo.FullName, ".nupkg")}\\"", "csharp"));"""
def md(text): return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(True)}
def code(text): return {"cell_type": "code", "execution_count": None, "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": text.splitlines(True)}
nb = [md("# Climb with a custom embedder\n\nRuns a small CLIMB pipeline on Climb's bundled sample corpus with your own `IEmbedder`.\n\n"
         "First pack the library into `.nupkg` at the repository root:\n\n"
         "```bash\ndotnet pack src/Climb -c Release -o .nupkg\n```\n\n"
         "then open this notebook anywhere inside the clone (VS Code's Polyglot Notebooks, Jupyter with .NET Interactive, or "
         "headless: `dotnet-repl --run samples/notebooks/custom-embedder.ipynb --exit-after-run`). The first cell finds the "
         "repository root, so the sample corpus, the target and the package folder resolve wherever the kernel starts.\n\n"
         "NuGet caches a package version once: after re-packing a changed library, delete `~/.nuget/packages/climb/" + version + "` "
         "before restarting the kernel.")]
nb.append(md("## Reference the package"))
nb.append(code(SETUP))
nb.append(code(f'#r "nuget: Climb, {version}"\n#r "nuget: libtorch-cpu-linux-x64, {central("libtorch-cpu-linux-x64")}"\n#r "nuget: Microsoft.ML.OnnxRuntime, {central("Microsoft.ML.OnnxRuntime")}"'))
for i, (n, title, body) in enumerate(cells):
    nb.append(md("## " + title))
    nb.append(code((usings + "\n" if i == 0 else "") + body))
doc = {"cells": nb, "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
       "language_info": {"name": "C#"}, "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"name": "csharp"}]}}},
       "nbformat": 4, "nbformat_minor": 5}
out = os.path.join(root, "samples", "notebooks", "custom-embedder.ipynb")
with open(out, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("wrote", out)
