using System.Reflection;
using ArchUnitNET.NUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Reliably.Rx.Tests.Architecture;

/// <summary>
/// The folders of Reliably.Rx form layers with one direction (docs/architecture.md, "Layers enforced by tests"): a
/// folder uses only folders of its own layer or below, and no two folders use each other, directly or through others.
/// </summary>
[TestFixture]
public sealed class LayerTests
{
    /// <summary>The layers, bottom first. A new folder must be placed here before it can hold code.</summary>
    internal static readonly (string Layer, string[] Folders)[] Layers =
    [
        ("foundation", ["Time", "Randomness", "Buffers"]),
        ("model and wire", ["Types", "Protocol", "Encryption", "Serialization", "Encoding"]),
        ("transport and options", ["Transport", "Options"]),
        ("HTTP", ["Security", "Hosts", "Http", "Diagnostics"]),
        ("auth", ["Auth"]),
        ("REST", ["Rest"]),
        ("realtime", ["Streams", "Realtime", "Channels", "Presence"]),
        ("public façade", [SourceFolders.Root]),
    ];

    private static FolderGraph Graph => FolderGraph.Instance;

    [Test]
    public void Folders_form_no_cycle()
    {
        var cycles = Graph.Cycles();
        Assert.That(
            cycles,
            Is.Empty,
            "folders that use each other (directly or through others):" + Environment.NewLine
                + string.Join(Environment.NewLine, cycles.Select(c => string.Join(" ⇄ ", c) + Environment.NewLine + Graph.Describe(c))));
    }

    [Test]
    public void Folders_use_only_their_own_layer_or_those_below()
    {
        var rank = Layers.SelectMany((layer, i) => layer.Folders.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        var unplaced = Graph.Folders.Where(f => !rank.ContainsKey(f)).ToList();
        Assert.That(unplaced, Is.Empty, "folders not placed in a layer of LayerTests.Layers");

        var upward = (
            from folder in Graph.Folders
            from use in Graph.Uses(folder)
            where rank[use.Key] > rank[folder]
            select $"{folder} ({Layers[rank[folder]].Layer}) → {use.Key} ({Layers[rank[use.Key]].Layer}): {string.Join(", ", use.Value.Take(3))}").ToList();
        Assert.That(upward, Is.Empty, "uses of a higher layer");
    }

    [Test]
    public void Every_type_is_declared_in_one_folder()
    {
        var split = Graph.Sources.Folders.Where(t => t.Value.Count > 1).Select(t => $"{t.Key}: {string.Join(", ", t.Value)}").ToList();
        Assert.That(split, Is.Empty, "a type's partial files must share one folder, or the type belongs to several layers");
        Assert.That(Graph.Unmapped, Is.Empty, "types of the assembly that no source file of Reliably.Rx declares");
    }

    [Test]
    public void The_transport_carries_frames_and_knows_no_ProtocolMessage_or_codec()
    {
        var transport = Types().That().FollowCustomPredicate(t => Graph.Sources.FolderOf(t.FullName) == "Transport", "are declared in Reliably.Rx/Transport");
        var wire = Types().That().FollowCustomPredicate(
            t => Graph.Sources.FolderOf(t.FullName) is "Protocol" or "Serialization" or "Encoding",
            "are protocol messages, codecs or payload encodings");
        transport.Should().NotDependOnAny(wire).Check(Graph.Architecture);
    }

    [Test]
    public void Newtonsoft_Json_is_used_only_by_Serialization_and_the_types_whose_public_surface_is_JSON()
    {
        var assembly = typeof(AblyRest).Assembly;
        var users = Graph.Architecture.Types
            .Where(t => t.Dependencies.Any(d => d.Target.FullName.StartsWith("Newtonsoft.Json", StringComparison.Ordinal)))
            .Select(t => t.FullName.Split('+', '/')[0])
            .Distinct()
            .Where(name => Graph.Sources.FolderOf(name) != "Serialization")
            .Where(name => assembly.GetType(name) is not { } type || !ExposesJson(type))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.That(users, Is.EqualTo(KnownInternalJsonUsers), "internal types outside Serialization/ that use Newtonsoft.Json");
    }

    [Test]
    public void Newtonsoft_Json_rule_fails_on_an_internal_user()
    {
        // The rule above must be able to fail: an internal type using JToken, such as the annotations' wire form, is not exempt.
        Assert.That(ExposesJson(typeof(AblyRest).Assembly.GetType("Reliably.Rx.PayloadEncoding.AnnotationWire")!), Is.False);
        Assert.That(ExposesJson(typeof(Message)), Is.True);
    }

    /// <summary>
    /// Types outside Serialization/ that use Newtonsoft.Json without exposing it: none. The TM6 size rule measures a
    /// message's JSON inside the public types that carry it (<c>Message</c>, <c>Annotation</c>); the capability's text
    /// is read and written with System.Text.Json; annotations and LiveObjects state are typed or skipped by the codecs.
    /// A type that starts using Newtonsoft.Json fails the test.
    /// </summary>
    private static readonly string[] KnownInternalJsonUsers = [];

    private static bool ExposesJson(Type type)
    {
        if (!type.IsPublic)
        {
            return false;
        }

        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var signatureTypes = type.GetMethods(Public).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Concat(type.GetProperties(Public).Select(p => p.PropertyType))
            .Concat(type.GetConstructors(Public).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)));
        return signatureTypes.Any(IsJson);
    }

    private static bool IsJson(Type type) =>
        type.Namespace?.StartsWith("Newtonsoft.Json", StringComparison.Ordinal) == true
        || (type.IsGenericType && type.GetGenericArguments().Any(IsJson))
        || (type.HasElementType && IsJson(type.GetElementType()!));
}
