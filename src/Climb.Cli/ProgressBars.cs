using Spectre.Console;

namespace Climb.Cli;

/// <summary>On an interactive terminal: one Spectre.Console progress bar per stage, fed by <see cref="ClimbProgress"/>.</summary>
internal sealed class ProgressBars(ProgressContext context) : IProgress<ClimbProgress>
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private readonly Lock _gate = new();

    public static async Task<T> RunAsync<T>(Func<IProgress<ClimbProgress>, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx => result = await work(new ProgressBars(ctx)));
        return result;
    }

    public void Report(ClimbProgress value)
    {
        lock (_gate)
        {
            // A new stage completes the bars of the stages before it.
            if (!_tasks.TryGetValue(value.Stage, out var task))
            {
                foreach (var t in _tasks.Values)
                {
                    t.Value = t.MaxValue;
                    t.StopTask();
                }

                task = context.AddTask(value.Stage, maxValue: 1);
                _tasks[value.Stage] = task;
            }

            task.Description = $"{value.Stage,-9} {Markup.Escape(Trim(value.Message))}";
            if (value.Total is long total && total > 0 && value.Completed is long done)
            {
                task.MaxValue = total;
                task.Value = Math.Min(done, total);
            }
            else if (value.Message is "reused")
            {
                task.Value = task.MaxValue;
            }
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            foreach (var t in _tasks.Values)
            {
                t.Value = t.MaxValue;
                t.StopTask();
            }
        }
    }

    private static string Trim(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
