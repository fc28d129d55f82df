using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Architecture;

/// <summary>
/// Which folder of Reliably.Rx declares each top-level type. Folders, not namespaces, are the library's layers:
/// public types keep the <c>Reliably.Rx</c> namespace wherever their file lives, so the map is read from the
/// source tree (syntax only) and joined with the compiled assembly's dependencies by full type name.
/// </summary>
internal sealed class SourceFolders
{
    /// <summary>The name given to files directly in the project folder (the public façade).</summary>
    public const string Root = "(root)";

    private readonly Dictionary<string, HashSet<string>> _folders = new(StringComparer.Ordinal);

    private SourceFolders(string projectDirectory)
    {
        ProjectDirectory = projectDirectory;
        foreach (var file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(projectDirectory, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(relative) is { Length: > 0 } dir
                ? dir.Split(Path.DirectorySeparatorChar)[0]
                : Root;
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
            foreach (var type in tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
            {
                if (type is not (BaseTypeDeclarationSyntax or DelegateDeclarationSyntax) || type.Parent is BaseTypeDeclarationSyntax)
                {
                    continue;
                }

                var name = FullName(type);
                if (!_folders.TryGetValue(name, out var set))
                {
                    _folders[name] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(folder);
            }
        }
    }

    /// <summary>The Reliably.Rx project directory that was read.</summary>
    public string ProjectDirectory { get; }

    /// <summary>Every top-level type (namespace-qualified, generic arity dropped) and the folders declaring it.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Folders => _folders;

    /// <summary>Reads the Reliably.Rx sources beside the test assembly's repository, or ignores the test.</summary>
    public static SourceFolders Load()
    {
        var root = Vectors.RepoRoot;
        var project = root is null ? null : Path.Combine(root, "Reliably.Rx");
        if (project is null || !Directory.Exists(project))
        {
            Assert.Ignore("The Reliably.Rx sources were not found beside the test assembly: the folder map needs them.");
        }

        return new SourceFolders(project!);
    }

    /// <summary>
    /// The folder of a compiled type, by its CLR full name (nested and compiler-generated types belong to their
    /// outermost declaring type), or null for a type the sources do not declare (generated code).
    /// </summary>
    public string? FolderOf(string clrFullName)
    {
        var name = clrFullName;
        var nested = name.IndexOfAny(['+', '/']);
        if (nested >= 0)
        {
            name = name[..nested];
        }

        var generic = name.IndexOf('`', StringComparison.Ordinal);
        if (generic >= 0)
        {
            name = name[..generic];
        }

        return _folders.TryGetValue(name, out var set) ? set.First() : null;
    }

    private static string FullName(MemberDeclarationSyntax type)
    {
        var name = type switch
        {
            BaseTypeDeclarationSyntax t => t.Identifier.ValueText,
            DelegateDeclarationSyntax d => d.Identifier.ValueText,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var ns = type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Select(n => n.Name.ToString()).Reverse();
        var prefix = string.Join(".", ns);
        return prefix.Length == 0 ? name : prefix + "." + name;
    }
}
