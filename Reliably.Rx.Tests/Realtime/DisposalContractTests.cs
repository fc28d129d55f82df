using System.Reflection;
using Reliably.Rx.Tests.Channels;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// One documented behaviour after disposal (docs/delivery-guarantees.md): every Task-returning member of the clients,
/// their connection, channels, presence and auth reports through its task and never throws synchronously; a failure
/// is an <see cref="AblyException"/> with 80017 (closed). Idempotent ends (closing a closed connection, releasing a
/// channel) may complete. Found by reflection, so a new member cannot escape the rule.
/// </summary>
[TestFixture]
public sealed class DisposalContractTests
{
    // Idempotent ends, and what needs neither the connection nor the network (signing a token request with the key).
    private static readonly string[] MayComplete = ["CloseAsync", "ReleaseAsync", "DisposeAsync", "CheckConnectivityAsync", "CreateTokenRequestAsync"];

    [Test]
    public async Task Every_task_returning_member_of_a_disposed_realtime_client_faults_with_80017_and_never_throws()
    {
        var h = new ChannelHarness(configure: o => o with { ClientId = "alice" });
        await h.AttachNow();
        var channel = h.Channel;
        var client = h.H.Client;
        await client.DisposeAsync();

        var rest = new AblyRest(new ClientOptions { Key = "appId.keyId:secret" });
        var restChannel = rest.Channels.Get("chat");
        await rest.DisposeAsync();

        var targets = new object[] { channel, channel.Presence, client, client.Connection, client.Channels, client.Auth, rest, rest.Auth, restChannel, restChannel.Presence };
        var checkedMembers = 0;
        foreach (var target in targets)
        {
            foreach (var method in TaskMethods(target.GetType()))
            {
                foreach (var arguments in ArgumentSets(method))
                {
                    object? returned;
                    try
                    {
                        returned = method.Invoke(target, arguments);
                    }
                    catch (TargetInvocationException ex)
                    {
                        Assert.Fail($"{target.GetType().Name}.{method.Name} threw synchronously: {ex.InnerException}");
                        return;
                    }

                    var task = returned switch
                    {
                        Task t => t,
                        ValueTask v => v.AsTask(),
                        _ => returned!.GetType().GetMethod("AsTask")!.Invoke(returned, null) as Task,
                    };
                    var name = $"{target.GetType().Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
                    var outcome = await Outcome(task!, name);
                    if (outcome is null)
                    {
                        Assert.That(MayComplete, Does.Contain(method.Name), name + " completed after disposal");
                    }
                    else
                    {
                        Assert.That(outcome, Is.InstanceOf<AblyException>(), name);
                        Assert.That(((AblyException)outcome).Code, Is.EqualTo(ErrorCodes.ConnectionClosed), name + ": " + outcome.Message);
                    }

                    checkedMembers++;
                }
            }
        }

        TestContext.Out.WriteLine($"{checkedMembers} member calls checked");
        Assert.That(checkedMembers, Is.GreaterThan(30));
    }

    private static async Task<Exception?> Outcome(Task task, string name)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(10));
            return null;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail(name + " never completed after disposal");
            throw;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static IEnumerable<MethodInfo> TaskMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsGenericMethodDefinition && m.DeclaringType != typeof(object))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType) || m.ReturnType == typeof(ValueTask) ||
                        (m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>)));

    /// <summary>Plausible arguments: defaults where declared, otherwise a usable value of the parameter's type.</summary>
    private static IEnumerable<object?[]> ArgumentSets(MethodInfo method)
    {
        yield return method.GetParameters().Select(Plausible).ToArray();
    }

    private static object? Plausible(ParameterInfo p)
    {
        if (p.HasDefaultValue)
        {
            return p.DefaultValue;
        }

        var t = p.ParameterType;
        return t switch
        {
            _ when t == typeof(string) => "chat",
            _ when t == typeof(object) => "data",
            _ when t == typeof(Message) => new Message("m", "d"),
            _ when t == typeof(IEnumerable<Message>) => new[] { new Message("m", "d") },
            _ when t == typeof(TimeSpan) => TimeSpan.FromSeconds(1),
            _ when t == typeof(ChannelOptions) => new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1" } },
            _ when t == typeof(IEnumerable<string>) => new[] { "chat" },
            _ when t == typeof(HttpMethod) => HttpMethod.Get,
            _ when t == typeof(BatchPublishSpec) => new BatchPublishSpec { Channels = ["chat"], Messages = [new Message("m", "d")] },
            _ when t == typeof(TokenRevocationTargetSpecifier) => TokenRevocationTargetSpecifier.ClientId("bob"),
            _ when t == typeof(IEnumerable<TokenRevocationTargetSpecifier>) => new[] { TokenRevocationTargetSpecifier.ClientId("bob") },
            _ when t == typeof(IEnumerable<BatchPublishSpec>) => new[] { new BatchPublishSpec { Channels = ["chat"], Messages = [new Message("m", "d")] } },
            _ when t.IsValueType => Activator.CreateInstance(t),
            _ => null,
        };
    }
}
