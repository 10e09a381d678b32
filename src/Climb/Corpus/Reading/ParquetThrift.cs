using System.Reflection;
using Parquet;
using Parquet.Meta;

namespace Climb;

/// <summary>
/// Parquet.Net's own Thrift decoders of a file's footer and page headers (internal to Parquet.Net, found by reflection),
/// run on a view of the bytes whose reads and seeks past the end throw, so that damaged Thrift ends in an exception.
/// </summary>
/// <remarks>
/// Parquet.Net 6.1.0's compact-protocol reader takes the end of its input (<c>ReadByte</c> returning -1) as a byte
/// <c>0xFF</c>, whose continuation bit never clears, so a varint that runs off the end loops forever; and it skips a
/// list of bytes by seeking, past the end as far as the forged length says. Both were found by fuzzing. Decoding
/// first with the same decoders, on bytes that end where they should, gives the same result on every sound footer and
/// an exception instead of a hang on these. Should a later Parquet.Net rename the decoders, <see cref="IsAvailable"/>
/// turns false (the checks are skipped) and a test fails.
/// </remarks>
internal static class ParquetThrift
{
    private static readonly Func<Stream, FileMetaData>? FileMetaDataReader = Create<FileMetaData>();
    private static readonly Func<Stream, PageHeader>? PageHeaderReader = Create<PageHeader>();

    /// <summary>Gets a value indicating whether Parquet.Net's decoders were found.</summary>
    public static bool IsAvailable => FileMetaDataReader is not null && PageHeaderReader is not null;

    /// <summary>Decodes a footer as Parquet.Net does; throws if it is damaged, including where Parquet.Net would loop.</summary>
    /// <returns>The footer, or <see langword="null"/> when the decoder is not available.</returns>
    public static FileMetaData? ReadFooter(byte[] footer) =>
        FileMetaDataReader?.Invoke(new EndThrowingStream(new MemoryStream(footer, writable: false)));

    /// <summary>Decodes the page header at the stream's position as Parquet.Net does; throws if it is damaged or runs off the end.</summary>
    /// <returns>The header, or <see langword="null"/> when the decoder is not available.</returns>
    public static PageHeader? ReadPageHeader(Stream stream) =>
        PageHeaderReader?.Invoke(stream is EndThrowingStream ? stream : new EndThrowingStream(stream));

    private static Func<Stream, T>? Create<T>()
    {
        var protocol = typeof(ParquetReader).Assembly.GetType("Parquet.Meta.Proto.ThriftCompactProtocolReader");
        var constructor = protocol?.GetConstructor([typeof(Stream)]);
        var read = protocol is null ? null : typeof(T).GetMethod("Read", BindingFlags.NonPublic | BindingFlags.Static, [protocol]);
        if (constructor is null || read is null || read.ReturnType != typeof(T))
        {
            return null;
        }

        return stream =>
        {
            try
            {
                return (T)read.Invoke(null, [constructor.Invoke([stream])])!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        };
    }

    /// <summary>A read-only view of a stream whose reads and seeks past the end throw <see cref="EndOfStreamException"/>.</summary>
    private sealed class EndThrowingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value <= inner.Length ? value : throw new EndOfStreamException();
        }

        public override int ReadByte() => inner.ReadByte() is var b and >= 0 ? b : throw new EndOfStreamException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count > 0 && inner.Position >= inner.Length)
            {
                throw new EndOfStreamException();
            }

            return inner.Read(buffer, offset, count);
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            long target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => inner.Position + offset,
                _ => inner.Length + offset,
            };
            return target >= 0 && target <= inner.Length ? inner.Seek(target, SeekOrigin.Begin) : throw new EndOfStreamException();
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
