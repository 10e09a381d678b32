using System.Diagnostics;

namespace Climb.Tests.ProxyTraining;

public class CommandProxyTemplateTests
{
    [Fact]
    public void Placeholders_become_single_quoted_values_that_the_shell_reads_back_exactly()
    {
        // Paths with every character a shell treats specially: the shell must hand each one over as one argument, unchanged.
        string mixture = "/tmp/a dir/it's \"here\" $(touch x) `id` ; | & > < * ? [ ] ~ \\ \n new line/mixture.json";
        string data = "/data/'''/";
        string output = "/out/$HOME/${PATH}/result.json";
        var template = CommandProxyTemplate.Parse("printf '%s\\n' {mixture} {data} {output} {seed}");
        string command = template.Expand(mixture, data, output, -17);

        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var p = Process.Start(psi)!;
        string printed = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        Assert.Equal(0, p.ExitCode);
        Assert.Equal(mixture + "\n" + data + "\n" + output + "\n-17\n", printed);
    }

    [Fact]
    public void Literal_braces_and_shell_expansions_are_the_users_own()
    {
        var template = CommandProxyTemplate.Parse("awk '{print}' x; printf '{\"a\": {\"b\": 1}}'; echo ${HOME} {{seed}} \"{awk}\" {mixture} > {output}");
        Assert.Equal("awk '{print}' x; printf '{\"a\": {\"b\": 1}}'; echo ${HOME} {seed} \"{awk}\" 'm' > 'o'", template.Expand("m", "d", "o", 1));
    }

    [Theory]
    [InlineData("python3 t.py {mixture} {outptu} {output}", "unknown placeholder {outptu} at column 24")]
    [InlineData("python3 t.py --mixture '{mixture}' --output {output}", "{mixture} at column 25 is inside single quotes")]
    [InlineData("python3 t.py --mixture \"{mixture}\" --output {output}", "{mixture} at column 25 is inside double quotes")]
    [InlineData("python3 t.py {mixture}", "{output} must appear")]
    [InlineData("python3 t.py {output}", "{mixture} must appear")]
    [InlineData("python3 t.py {mixture} {output} 'oops", "the single quote at column 33 is never closed")]
    [InlineData("   ", "the command is empty")]
    public void A_broken_template_is_refused_naming_the_problem_and_its_column(string command, string expected)
    {
        var problems = CommandProxyTemplate.Problems(command);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        var ex = Assert.Throws<ArgumentException>(() => CommandProxyTemplate.Parse(command));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pipeline_refuses_a_broken_template_before_any_work_naming_the_command_line_option()
    {
        var builder = new ClimbPipelineBuilder()
            .WithArtifactsFolder(CommandProxyTestData.TempDir("template-options"))
            .WithOptionNames(new Dictionary<string, string> { ["CommandProxy.Command"] = "--proxy-command", ["CommandProxy"] = "--proxy-command", ["Proxy"] = "--proxy" })
            .Configure(o =>
            {
                o.Proxy = ProxyKind.Command;
                o.CommandProxy.Command = "python3 t.py {mixture} > '{output}'";
            });
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(builder.Build);
        Assert.Contains("--proxy-command: {output} at column 27 is inside single quotes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_without_the_command_proxy_kind_or_the_kind_without_a_command_is_refused()
    {
        var missing = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new ClimbPipelineBuilder().WithArtifactsFolder(CommandProxyTestData.TempDir("no-command")).Configure(o => o.Proxy = ProxyKind.Command).Build());
        Assert.Contains("CommandProxy.Command: Proxy is Command, so a command template is needed", missing.Message, StringComparison.Ordinal);

        var ignored = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new ClimbPipelineBuilder().WithArtifactsFolder(CommandProxyTestData.TempDir("ignored-command")).Configure(o =>
            {
                o.Proxy = ProxyKind.NGram;
                o.CommandProxy.Command = "t {mixture} {output}";
            }).Build());
        Assert.Contains("sets a proxy command, but ClimbPipelineOptions.Proxy is NGram", ignored.Message, StringComparison.Ordinal);
    }
}
