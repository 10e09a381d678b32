namespace Climb;

/// <summary>Receives each word (lower-cased, with at least one letter) that <see cref="SifTokenizer"/> found outside the vocabulary.</summary>
internal abstract class UnknownWordSink
{
    /// <summary>Called once per occurrence of an unknown word; the span is valid only during the call.</summary>
    public abstract void Add(ReadOnlySpan<char> word);
}
