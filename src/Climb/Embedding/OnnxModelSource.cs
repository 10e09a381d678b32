using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace Climb;

/// <summary>
/// Where an <see cref="OnnxEmbedder"/>'s model and vocabulary come from: two files, or the embedded resources
/// <c>&lt;AssemblyName&gt;.Resources.model.onnx</c> and <c>&lt;AssemblyName&gt;.Resources.vocab.txt</c> of an assembly
/// (the <c>SentenceTransformers.*</c> NuGet packages), found by name among the application's references or read from an
/// assembly file without loading it.
/// </summary>
internal sealed class OnnxModelSource
{
    /// <summary>The version of the <c>SentenceTransformers.*</c> packages Climb is tested with.</summary>
    internal const string PackageVersion = "24.9.52193";

    private readonly byte[]? _modelBytes;
    private readonly byte[]? _vocabularyBytes;

    private OnnxModelSource(string name, string description, string? modelFile, string? vocabularyFile, byte[]? modelBytes, byte[]? vocabularyBytes, string? assemblyLocation)
    {
        Name = name;
        Description = description;
        ModelFile = modelFile;
        VocabularyFile = vocabularyFile;
        _modelBytes = modelBytes;
        _vocabularyBytes = vocabularyBytes;
        AssemblyLocation = assemblyLocation;
    }

    /// <summary>Gets the short name the model identity starts with: the model file's name, or the assembly's simple name.</summary>
    public string Name { get; }

    /// <summary>Gets how messages name the model: its path, or its resource and the assembly it is in.</summary>
    public string Description { get; }

    /// <summary>Gets the model file, or <see langword="null"/> when the model is an embedded resource.</summary>
    public string? ModelFile { get; }

    /// <summary>Gets the vocabulary file, or <see langword="null"/> when the vocabulary is an embedded resource.</summary>
    public string? VocabularyFile { get; }

    /// <summary>Gets the model's bytes, or <see langword="null"/> when it is a file.</summary>
    public byte[]? ModelBytes => _modelBytes;

    /// <summary>Gets the file of the assembly that carries the model (a worker on another node can read it from there),
    /// or <see langword="null"/>.</summary>
    public string? AssemblyLocation { get; }

    /// <summary>Names the two files of a model on disk; <paramref name="vocabularyPath"/> defaults to <c>vocab.txt</c> beside the model.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static OnnxModelSource FromFiles(string modelPath, string? vocabularyPath)
    {
        string model = Path.GetFullPath(modelPath);
        string vocab = Path.GetFullPath(vocabularyPath ?? Path.Combine(Path.GetDirectoryName(model)!, "vocab.txt"));
        if (!File.Exists(model))
        {
            throw new FileNotFoundException($"The ONNX model {model} does not exist.", model);
        }

        if (!File.Exists(vocab))
        {
            throw new FileNotFoundException($"The vocabulary {vocab} does not exist (set {nameof(OnnxEmbedderOptions.VocabularyPath)}).", vocab);
        }

        return new OnnxModelSource(Path.GetFileNameWithoutExtension(model), model, model, vocab, null, null, null);
    }

    /// <summary>Reads the model and vocabulary out of an assembly, given by name (loaded as the application resolves it)
    /// or by the path of its file (read, not loaded).</summary>
    /// <exception cref="FileNotFoundException">No such assembly can be found, or it lacks one of the two resources.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly.</exception>
    public static OnnxModelSource FromAssembly(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        return IsAssemblyPath(nameOrPath) ? FromAssemblyFile(Path.GetFullPath(nameOrPath)) : FromLoadedAssembly(nameOrPath);
    }

    /// <summary>Tells an assembly file's path (it ends in <c>.dll</c> or names a folder) from an assembly name.</summary>
    public static bool IsAssemblyPath(string nameOrPath) =>
        nameOrPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
        || nameOrPath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || nameOrPath.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Opens the vocabulary.</summary>
    public Stream OpenVocabulary() => _vocabularyBytes is { } bytes ? new MemoryStream(bytes, writable: false) : File.OpenRead(VocabularyFile!);

    /// <summary>Gets the first 16 hex digits of the SHA-256 of the model and of the vocabulary.</summary>
    public (string Model, string Vocabulary) ContentHashes()
    {
        static string Hash(byte[]? bytes, string? file)
        {
            if (bytes is not null)
            {
                return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            }

            using var stream = File.OpenRead(file!);
            return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
        }

        return (Hash(_modelBytes, ModelFile), Hash(_vocabularyBytes, VocabularyFile));
    }

    private static string ModelResource(string assemblyName) => assemblyName + ".Resources.model.onnx";

    private static string VocabularyResource(string assemblyName) => assemblyName + ".Resources.vocab.txt";

    private static OnnxModelSource FromLoadedAssembly(string name)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(name));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new FileNotFoundException(
                $"The model assembly '{name}' cannot be loaded ({ex.Message.Split('\n')[0].Trim()}): the application must reference its NuGet package " +
                $"(dotnet add package {name} --version {PackageVersion}), or give the path of the assembly file.", name, ex);
        }

        string simple = assembly.GetName().Name!;
        byte[] model = ReadResource(assembly, ModelResource(simple));
        byte[] vocab = ReadResource(assembly, VocabularyResource(simple));
        string location = assembly.Location;
        return new OnnxModelSource(simple, $"{ModelResource(simple)} in {(location.Length > 0 ? location : assembly.FullName)}", null, null, model, vocab,
            location.Length > 0 ? location : null);

        static byte[] ReadResource(Assembly assembly, string resource)
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new FileNotFoundException(
                    $"The assembly {assembly.GetName().Name} carries no embedded resource {resource} (it has: {string.Join(", ", assembly.GetManifestResourceNames())}).",
                    resource);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
    }

    private static OnnxModelSource FromAssemblyFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model assembly {path} does not exist.", path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
            {
                throw new InvalidDataException($"{path} is not a .NET assembly.");
            }

            var metadata = pe.GetMetadataReader();
            string simple = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            var resources = new Dictionary<string, ManifestResource>(StringComparer.Ordinal);
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                resources[metadata.GetString(resource.Name)] = resource;
            }

            var section = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress);
            byte[] Read(string name)
            {
                if (!resources.TryGetValue(name, out var resource) || !resource.Implementation.IsNil)
                {
                    throw new FileNotFoundException($"The assembly {path} carries no embedded resource {name} (it has: {string.Join(", ", resources.Keys)}).", name);
                }

                var reader = section.GetReader((int)resource.Offset, cor.ResourcesDirectory.Size - (int)resource.Offset);
                int length = reader.ReadInt32();
                return reader.ReadBytes(length);
            }

            return new OnnxModelSource(simple, $"{ModelResource(simple)} in {path}", null, null, Read(ModelResource(simple)), Read(VocabularyResource(simple)), path);
        }
        catch (Exception ex) when (ex is BadImageFormatException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{path} is not a readable .NET assembly: {ex.Message}", ex);
        }
    }
}
