using System.CommandLine;
using Climb.Cli;

var root = new RootCommand(
    "climb: find the best pre-training data mixture with CLIMB (embed, cluster, prune, merge, search mixture weights with proxy models, export).\n" +
    "Run `climb run` to run everything on the bundled sample corpus; add --corpus and --target for your own data.\n" +
    "Every stage writes to the artifacts folder; run the same command again to resume after an interruption.");

foreach (var command in PipelineCommands.Create())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(WorkerCommand.Create());
root.Subcommands.Add(MeasureCommand.Create());
root.Subcommands.Add(ProposeCommand.Create());
root.Subcommands.Add(TellCommand.Create());
root.Subcommands.Add(AnswerCommand.Create());
root.Subcommands.Add(FitCommand.Create());

return await root.Parse(args).InvokeAsync();
