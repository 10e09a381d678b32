using System.Runtime.CompilerServices;

// The GPU check runner (tools/Climb.GpuCheck) drives the internal k-means and centroid-merge kernels directly.
[assembly: InternalsVisibleTo("Climb.GpuCheck")]
