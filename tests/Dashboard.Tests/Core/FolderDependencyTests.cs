using System.Text.RegularExpressions;

namespace Dashboard.Tests.Core;

/// <summary>
/// Dependencies between the top-level folders of src/Dashboard (each folder is a namespace): endpoints and pages ->
/// features -> Storage interfaces -> Core. A folder imports another through <c>using Dashboard.X</c> (or
/// <c>@using</c> in Razor) or a qualified name <c>Dashboard.X.</c>.
/// </summary>
public sealed partial class FolderDependencyTests
{
    // Folders still tangled in one cycle (issue 13 named twelve; all are untangled now). A folder outside this set must
    // never join a cycle, and the set only shrinks: it is empty, so any cycle between folders fails.
    private static readonly HashSet<string> KnownTangle = [];

    [GeneratedRegex(@"(?:^\s*@?using\s+(?:static\s+)?|\b)Dashboard\.([A-Z][A-Za-z]+)\b", RegexOptions.Multiline)]
    private static partial Regex FolderReference();

    [Fact]
    public void StorageFolder_ImportsOnlyCore()
    {
        var edges = Edges();

        edges["Storage"].Should().BeSubsetOf(["Core"], "storage serves the features; a feature type it needs belongs in Storage/ or Core/");
    }

    [Fact]
    public void CoreFolder_ImportsNothing()
    {
        Edges()["Core"].Should().BeEmpty("Core is what every folder shares");
    }

    [Fact]
    public void HostingFolder_ImportedByNoFolder()
    {
        var importers = Edges().Where(e => e.Value.Contains("Hosting")).Select(e => e.Key);

        importers.Should().BeEmpty("Hosting is the composition root: only Program.cs (outside every folder) wires it; what features share lives in Core/");
    }

    [Fact]
    public void WriterFolder_ImportsOnlyStorageAndCore()
    {
        Edges()["Persistence"].Should().BeSubsetOf(["Core", "Storage"],
            "the writer publishes committed batches through Storage's ICommittedBatchSink, which Live implements; it knows no page, feature or endpoint");
    }

    [Fact]
    public void LiveFolder_ImportsNoFeatureOrPage()
    {
        Edges()["Live"].Should().BeSubsetOf(["Core", "Storage", "Security", "Cluster"],
            "features and pages subscribe to Live; Live never reaches back into them");
    }

    [Fact]
    public void ComponentsFolder_ImportsNoFeature()
    {
        Edges()["Components"].Should().BeSubsetOf(["Core", "Storage", "Security"],
            "Components holds the layout and parts several features share; a part that needs one feature's types lives in that feature's folder");
    }

    [Fact]
    public void TopLevelFolders_NoCycleOutsideTheKnownTangle()
    {
        var cycles = StronglyConnected(Edges()).Where(c => c.Count > 1).ToList();

        cycles.SelectMany(c => c).Should().BeSubsetOf(KnownTangle, "a new dependency closed a cycle between folders: " +
            string.Join("; ", cycles.Select(c => string.Join(" <-> ", c.Order(StringComparer.Ordinal)))));
        cycles.Should().NotContain(c => c.Contains("Storage") || c.Contains("Core"));
    }

    [Fact]
    public void StronglyConnected_ChainAndLoop_FindsOnlyTheLoop()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["B"], ["D"] = ["A"],
        };

        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();

        cycles.Should().ContainSingle().Which.Should().BeEquivalentTo(["B", "C"]);
    }

    /// <summary>Folder -> folders it names (itself excluded); every top-level folder has an entry.</summary>
    private static Dictionary<string, HashSet<string>> Edges()
    {
        var root = Path.Combine(RepoRoot(), "src", "Dashboard");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToHashSet()!;
        var edges = folders.ToDictionary(f => f!, _ => new HashSet<string>());
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder!), "*.*", SearchOption.AllDirectories)
                         .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
            {
                foreach (Match m in FolderReference().Matches(File.ReadAllText(file)))
                {
                    var target = m.Groups[1].Value;
                    if (target != folder && folders.Contains(target))
                    {
                        edges[folder!].Add(target);
                    }
                }
            }
        }
        return edges;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                result.Add(component);
            }
        }
        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }
        return result;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }
}
