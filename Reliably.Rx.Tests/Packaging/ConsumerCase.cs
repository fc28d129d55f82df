namespace Reliably.Rx.Tests.Packaging;

/// <summary>How a consumer project is exercised: run as a console app, or run as a test project.</summary>
internal enum ConsumerKind
{
    ConsoleApp,
    TestProject,
}

/// <summary>One project a new user would write against the packages.</summary>
/// <param name="Name">What it shows, for messages.</param>
/// <param name="TargetFramework">Its target framework.</param>
/// <param name="Packages">Package ids: Reliably.Rx ones come from the temporary feed at the packed version, others at
/// the repository's pinned version from the machine's usual source.</param>
/// <param name="Files">Source files by name.</param>
/// <param name="Kind">Run as an app (<c>dotnet app.dll</c>) or as tests (<c>dotnet test</c>).</param>
/// <param name="Expected">Text its output must contain.</param>
internal sealed record ConsumerCase(
    string Name,
    string TargetFramework,
    IReadOnlyList<string> Packages,
    IReadOnlyDictionary<string, string> Files,
    ConsumerKind Kind,
    string Expected);
