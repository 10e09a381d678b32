using Spectre.Console;

namespace Climb.Cli;

/// <summary>Prints stage progress: a line per change of stage or message, and counters at most once a second.</summary>
internal sealed class ConsoleProgress(bool interactive) : IProgress<ClimbProgress>
{
    private readonly Lock _gate = new();
    private string _last = string.Empty;
    private DateTime _lastCount = DateTime.MinValue;

    public void Report(ClimbProgress value)
    {
        lock (_gate)
        {
            string key = value.Stage + "|" + value.Message;
            bool counter = value.Completed is not null;
            if (key == _last && counter && (DateTime.UtcNow - _lastCount).TotalSeconds < (interactive ? 0.5 : 5))
            {
                return;
            }

            _last = key;
            _lastCount = DateTime.UtcNow;
            AnsiConsole.MarkupLine($"  [grey]{DateTime.Now:HH:mm:ss}[/] [bold]{Markup.Escape(value.Stage),-9}[/] {Markup.Escape(value.ToString()[(value.Stage.Length + 3)..])}");
        }
    }
}
