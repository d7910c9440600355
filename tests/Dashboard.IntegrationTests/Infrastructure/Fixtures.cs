namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>Files under ../shared/fixtures (real afterimage output), found from the test's folder upwards.</summary>
public static class Fixtures
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"Fixture {name} not found in any shared/fixtures above {AppContext.BaseDirectory}.");
    }
}
