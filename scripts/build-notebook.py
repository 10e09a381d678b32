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
def md(text): return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(True)}
def code(text): return {"cell_type": "code", "execution_count": None, "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": text.splitlines(True)}
nb = [md("# Climb with a custom embedder\n\nRuns a small CLIMB pipeline on Climb's bundled sample corpus with your own `IEmbedder`.\n\n"
         "First pack the library into a local folder from the repository root:\n\n"
         "```bash\ndotnet pack src/Climb -c Release -o .nupkg\n```\n\n"
         "and open this notebook from the repository root (the sample corpus and target are found relative to it).")]
nb.append(code(f'#i "nuget: ../../.nupkg"\n#r "nuget: Climb, {version}"\n#r "nuget: libtorch-cpu-linux-x64, 2.10.0"\n#r "nuget: Microsoft.ML.OnnxRuntime, 1.31.1"'))
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
