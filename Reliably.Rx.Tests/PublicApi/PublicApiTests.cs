using System.Reflection;
using System.Text;
using Reliably.Rx.Emulator;
using Reliably.Rx.Extensions.DependencyInjection;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.PublicApi;

/// <summary>
/// The public API of each package is tracked in an approved listing beside this file, so a change to it is deliberate:
/// a difference fails the test and writes a <c>.received.txt</c> to compare. To accept a change, run the tests with
/// RELIABLY_RX_APPROVE=1 and commit the updated <c>.approved.txt</c>.
/// </summary>
[TestFixture]
public sealed class PublicApiTests
{
    public static readonly object[] Assemblies =
    {
        typeof(AblyRealtime).Assembly.GetName().Name!,
        typeof(AblyEmulator).Assembly.GetName().Name!,
        typeof(ReliablyRxServiceCollectionExtensions).Assembly.GetName().Name!,
        typeof(Reliably.Rx.Testing.InMemoryAbly).Assembly.GetName().Name!,
    };

    [TestCaseSource(nameof(Assemblies))]
    public void PublicApi_MatchesTheApprovedListing(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == assemblyName);
        var actual = PublicApiListing.Describe(assembly);
        var folder = Path.Combine(Vectors.RepoRoot ?? throw new InvalidOperationException("repository root not found"), "Reliably.Rx.Tests", "PublicApi");
        var approvedPath = Path.Combine(folder, assemblyName + ".approved.txt");
        var receivedPath = Path.Combine(folder, assemblyName + ".received.txt");

        if (Environment.GetEnvironmentVariable("RELIABLY_RX_APPROVE") == "1")
        {
            File.WriteAllText(approvedPath, actual);
        }

        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : string.Empty;
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        var approvedLines = approved.Split('\n').ToHashSet(StringComparer.Ordinal);
        var actualLines = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        var report = new StringBuilder();
        foreach (var added in actualLines.Except(approvedLines).Take(20))
        {
            report.AppendLine("+ " + added);
        }

        foreach (var removed in approvedLines.Except(actualLines).Take(20))
        {
            report.AppendLine("- " + removed);
        }

        Assert.Fail($"The public API of {assemblyName} changed (see {receivedPath}); approve it with RELIABLY_RX_APPROVE=1:\n{report}");
    }
}

/// <summary>A stable, sorted text listing of an assembly's public surface.</summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add(TypeLine(type));
            var members = new List<string>();
            foreach (var member in type.GetMembers(Declared))
            {
                if (Describe(member) is { } text)
                {
                    members.Add("    " + text);
                }
            }

            lines.AddRange(members.OrderBy(m => m, StringComparer.Ordinal));
        }

        return string.Join("\n", lines) + "\n";
    }

    private static string TypeLine(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
        var modifiers = !type.IsInterface && !type.IsValueType && type.IsSealed && !type.IsAbstract ? "sealed " : string.Empty;
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        return $"{modifiers}{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c when c.IsPublic || c.IsFamily => $"ctor({Parameters(c.GetParameters())})",
        MethodInfo m when (m.IsPublic || m.IsFamily) && !m.IsSpecialName =>
            $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m.GetParameters())})",
        PropertyInfo p => Accessors(p),
        FieldInfo f when f.IsPublic && f.DeclaringType!.IsEnum && f.IsLiteral => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f when f.IsPublic && !f.IsSpecialName => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static string? Accessors(PropertyInfo property)
    {
        var get = property.GetMethod is { IsPublic: true } ? "get; " : string.Empty;
        var set = property.SetMethod is { IsPublic: true } setter
            ? setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; "
            : string.Empty;
        if (get.Length == 0 && set.Length == 0)
        {
            return null;
        }

        var isStatic = (property.GetMethod ?? property.SetMethod)!.IsStatic ? "static " : string.Empty;
        var indexer = property.GetIndexParameters() is { Length: > 0 } index ? $"[{Parameters(index)}]" : string.Empty;
        return $"{isStatic}{Name(property.PropertyType)} {property.Name}{indexer} {{ {get}{set}}}";
    }

    private static string Generic(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is { } ns ? ns + "." : string.Empty) + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick >= 0 ? name[..tick] : name) + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
