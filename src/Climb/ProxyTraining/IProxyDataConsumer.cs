namespace Climb;

/// <summary>
/// A proxy trainer that reads the documents themselves rather than the token store: the pipeline's <c>proxy-data</c>
/// stage writes each super-cluster's documents and the targets' texts into its folder (in <see cref="DataFormat"/>) and
/// hands the folder to the trainer before the search starts.
/// </summary>
internal interface IProxyDataConsumer
{
    /// <summary>Gets the format of the document shards the trainer reads.</summary>
    DatasetFormat DataFormat { get; }

    /// <summary>Points the trainer at the data folder written for it (<see cref="ProxyDataFolder"/>).</summary>
    /// <param name="folder">The folder's full path.</param>
    void UseDataFolder(string folder);
}
