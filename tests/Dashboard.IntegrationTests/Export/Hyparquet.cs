using System.Diagnostics;
using System.Text.Json;

namespace Dashboard.IntegrationTests.Export;

/// <summary>Reads a Parquet file with hyparquet (npm), an independent reader, through read-parquet.mjs.</summary>
public static class Hyparquet
{
    public static async Task<JsonElement> ReadAsync(byte[] parquet)
    {
        var root = RepoRoot();
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(file, parquet);
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(root, "tests", "Dashboard.IntegrationTests", "Export", "read-parquet.mjs"), file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.ExitCode.Should().Be(0, because: "hyparquet must read the file: " + await stderr);
            return JsonDocument.Parse(await stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "node_modules", "hyparquet")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("No repo root with node_modules/hyparquet above " + AppContext.BaseDirectory);
    }
}
