namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>Files under the repo's tests/fixtures (real afterimage output; see its README), found from the test's folder upwards.</summary>
public static class Fixtures
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"Fixture {name} not found in any tests/fixtures above {AppContext.BaseDirectory}.");
    }
}
