using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Reliably.Rx.Tests.Architecture;

/// <summary>
/// The folder-to-folder type-usage graph of Reliably.Rx: an edge A → B when a type declared in folder A uses (in
/// a signature, a field, a base type or a method body) a type declared in folder B. Built from the compiled
/// assembly by ArchUnitNET and the source folder map.
/// </summary>
internal sealed class FolderGraph
{
    private static readonly Lazy<FolderGraph> Shared = new(() => new FolderGraph(SourceFolders.Load(), LoadArchitecture()));

    private readonly Dictionary<string, Dictionary<string, List<string>>> _edges = new(StringComparer.Ordinal);

    private FolderGraph(SourceFolders folders, ArchUnitNET.Domain.Architecture architecture)
    {
        Sources = folders;
        Architecture = architecture;
        foreach (var type in architecture.Types)
        {
            var from = folders.FolderOf(type.FullName);
            if (from is null)
            {
                Unmapped.Add(type.FullName);
                continue;
            }

            Add(from);
            foreach (var dependency in type.Dependencies)
            {
                var to = folders.FolderOf(dependency.Target.FullName);
                if (to is null || to == from)
                {
                    continue;
                }

                Add(to);
                var targets = _edges[from];
                if (!targets.TryGetValue(to, out var examples))
                {
                    targets[to] = examples = new List<string>();
                }

                var example = $"{Short(type.FullName)} → {Short(dependency.Target.FullName)}";
                if (!examples.Contains(example))
                {
                    examples.Add(example);
                }
            }
        }
    }

    /// <summary>The graph of the Reliably.Rx assembly the tests reference, built once per test run.</summary>
    public static FolderGraph Instance => Shared.Value;

    /// <summary>The source folder map.</summary>
    public SourceFolders Sources { get; }

    /// <summary>The ArchUnitNET model of Reliably.Rx.</summary>
    public ArchUnitNET.Domain.Architecture Architecture { get; }

    /// <summary>Types of the assembly that no source file declares (compiler or source-generator output).</summary>
    public List<string> Unmapped { get; } = new();

    /// <summary>Every folder.</summary>
    public IEnumerable<string> Folders => _edges.Keys.OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>The folders a folder uses, each with the type-to-type uses that make the edge.</summary>
    public IReadOnlyDictionary<string, List<string>> Uses(string folder) => _edges[folder];

    /// <summary>The strongly connected components with more than one folder: each is at least one folder cycle.</summary>
    public List<List<string>> Cycles()
    {
        // Tarjan's algorithm; the graph has a couple of dozen nodes, so recursion depth is no concern.
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges[v].Keys)
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
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (var v in Folders)
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return result;
    }

    /// <summary>A readable description of the edges inside one component, for failure messages.</summary>
    public string Describe(IReadOnlyCollection<string> component) => string.Join(
        Environment.NewLine,
        from a in component.OrderBy(f => f, StringComparer.Ordinal)
        from e in _edges[a].Where(e => component.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal)
        select $"  {a} → {e.Key}: {string.Join(", ", e.Value.Take(3))}{(e.Value.Count > 3 ? $" (+{e.Value.Count - 3})" : string.Empty)}");

    private static ArchUnitNET.Domain.Architecture LoadArchitecture() =>
        new ArchLoader().LoadAssemblies(typeof(AblyRest).Assembly).Build();

    private static string Short(string fullName) => fullName.StartsWith("Reliably.Rx.", StringComparison.Ordinal)
        ? fullName["Reliably.Rx.".Length..]
        : fullName;

    private void Add(string folder)
    {
        if (!_edges.ContainsKey(folder))
        {
            _edges[folder] = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        }
    }
}
