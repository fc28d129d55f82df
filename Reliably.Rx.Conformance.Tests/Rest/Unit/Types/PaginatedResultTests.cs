using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>
/// uts/rest/unit/types/paginated_result.md (TG): <c>PaginatedResult</c>. The spec's headings number the points as an
/// older features spec did (items TG1, hasNext TG2, next TG3, first TG4); the tests are named by the current points:
/// items TG3, next TG4, first TG5, hasNext TG6, isLast TG7.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/types/paginated_result.md")]
public sealed class PaginatedResultTests
{
    private static Dictionary<string, string> Link(string link) => new() { ["Link"] = link };

    /// <summary>A server answering the n-th request (from 1) with <paramref name="answer"/>(n, request).</summary>
    private static (MockHttp Mock, AblyRest Client) Serve(Action<int, ScriptedHttpRequest> answer)
    {
        var count = 0;
        var mock = new MockHttp(req => answer(++count, req));
        return (mock, mock.Rest(o => o with { Key = "appId.keyId:keySecret" }));
    }

    /// <summary>A first page of history with <paramref name="link"/>, and a second page <c>[{"id":"item2"}]</c>.</summary>
    private static (MockHttp Mock, AblyRest Client) TwoPages(string link) => Serve((n, req) =>
    {
        if (n == 1)
        {
            req.RespondWith(200, """[{"id":"item1"}]""", Link(link));
        }
        else
        {
            req.RespondWith(200, """[{"id":"item2"}]""");
        }
    });

    // UTS: rest/unit/TG1/paginated-result-items-0
    [Test]
    public void TG3_PaginatedResultItemsAttribute()
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, """[{"id":"item1","name":"e1","data":"d1"},{"id":"item2","name":"e2","data":"d2"}]"""));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());

        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0].Id, Is.EqualTo("item1"));
        Assert.That(result.Items[1].Id, Is.EqualTo("item2"));
    }

    // UTS: rest/unit/TG2/has-next-is-last-0
    [TestCase(true, TestName = "TG6_TG7_HasNextAndIsLast(1 more pages)")]
    [TestCase(false, TestName = "TG6_TG7_HasNextAndIsLast(2 no more pages)")]
    public void TG6_TG7_HasNextAndIsLast(bool morePages)
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, """[{"id":"item1"}]""",
            morePages ? Link("</channels/test/messages?cursor=next123>; rel=\"next\"") : new Dictionary<string, string>()));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());

        Assert.That(result.HasNext, Is.EqualTo(morePages));
        Assert.That(result.IsLast, Is.EqualTo(!morePages));
    }

    // UTS: rest/unit/TG3/next-fetches-next-page-0
    [Test]
    public void TG4_NextFetchesTheNextPage()
    {
        var (mock, client) = Serve((n, req) =>
        {
            if (n == 1)
            {
                req.RespondWith(200, """[{"id":"page1-item1"},{"id":"page1-item2"}]""", Link("</channels/test/messages?cursor=abc123>; rel=\"next\""));
            }
            else
            {
                req.RespondWith(200, """[{"id":"page2-item1"}]""");
            }
        });
        using var _ = client;

        var page1 = mock.Await(client.Channels.Get("test").HistoryAsync());
        var page2 = mock.Await(page1.NextAsync())!;

        Assert.That(page1.Items, Has.Count.EqualTo(2));
        Assert.That(page1.Items[0].Id, Is.EqualTo("page1-item1"));
        Assert.That(page1.HasNext, Is.True);
        Assert.That(page2.Items, Has.Count.EqualTo(1));
        Assert.That(page2.Items[0].Id, Is.EqualTo("page2-item1"));
        Assert.That(page2.HasNext, Is.False);
        Assert.That(mock.Requests[1].Query("cursor"), Is.EqualTo("abc123"));
    }

    // UTS: rest/unit/TG4/first-returns-first-page-0
    [Test]
    public void TG5_FirstReturnsTheFirstPage()
    {
        var (mock, client) = Serve((n, req) =>
        {
            switch (n)
            {
                case 1:
                    req.RespondWith(200, """[{"id":"item1"}]""", Link("</channels/test/messages?cursor=next>; rel=\"next\", </channels/test/messages>; rel=\"first\""));
                    break;
                case 2:
                    req.RespondWith(200, """[{"id":"item2"}]""", Link("</channels/test/messages>; rel=\"first\""));
                    break;
                default:
                    req.RespondWith(200, """[{"id":"item1"}]""", Link("</channels/test/messages?cursor=next>; rel=\"next\""));
                    break;
            }
        });
        using var _ = client;

        var page1 = mock.Await(client.Channels.Get("test").HistoryAsync());
        var page2 = mock.Await(page1.NextAsync())!;
        var first = mock.Await(page2.FirstAsync());

        Assert.That(first.Items[0].Id, Is.EqualTo("item1"));
        Assert.That(mock.Requests, Has.Count.EqualTo(3));
    }

    // UTS: rest/unit/TG/empty-result-handling-0
    [Test]
    public void TG3_TG6_TG7_EmptyResult()
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, "[]"));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());

        Assert.That(result.Items, Is.Empty);
        Assert.That(result.HasNext, Is.False);
        Assert.That(result.IsLast, Is.True);
    }

    // UTS: rest/unit/TG/link-header-parsing-1
    [TestCase("</path?cursor=abc>; rel=\"next\"", true, TestName = "TG6_LinkHeaderParsing(1 next)")]
    [TestCase("</path?cursor=abc>; rel=\"next\", </path>; rel=\"first\"", true, TestName = "TG6_LinkHeaderParsing(2 next and first)")]
    [TestCase("</path>; rel=\"first\"", false, TestName = "TG6_LinkHeaderParsing(3 first only)")]
    [TestCase("", false, TestName = "TG6_LinkHeaderParsing(4 none)")]
    public void TG6_LinkHeaderParsing(string link, bool hasNext)
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, """[{"id":"item"}]""", link.Length == 0 ? new Dictionary<string, string>() : Link(link)));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());

        Assert.That(result.HasNext, Is.EqualTo(hasNext));
        if (hasNext)
        {
            mock.Await(result.NextAsync());
            Assert.That(mock.Requests[1].Query("cursor"), Is.EqualTo("abc"), "the expected cursor");
        }
    }

    // UTS: rest/unit/TG/type-parameter-items-2
    [Test]
    public void TG_TG1_TG3_PaginatedResultTypeParameter()
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, """[{"id":"msg1","name":"event","data":"test"}]"""));
        using var _ = client;

        PaginatedResult<Message> history = mock.Await(client.Channels.Get("test").HistoryAsync());

        Assert.That(history.Items[0], Is.InstanceOf<Message>());
        Assert.That(typeof(PaginatedResult<Message>).IsAssignableTo(typeof(PaginatedResult<string>)), Is.False);
    }

    // UTS: rest/unit/TG/next-on-last-page-3
    [Test]
    public void TG4_NextOnTheLastPage()
    {
        var (mock, client) = Serve((_, req) => req.RespondWith(200, """[{"id":"item"}]"""));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());
        Assert.That(result.IsLast, Is.True);

        var next = mock.Await(result.NextAsync());

        Assert.That(next is null || next.Items.Count == 0, Is.True);
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
    }

    // UTS: rest/unit/TG/pagination-preserves-auth-4
    [Test]
    public void TG4_PaginationPreservesAuthentication()
    {
        var (mock, client) = TwoPages("</channels/test/messages?cursor=next>; rel=\"next\"");
        using var _ = client;

        mock.Await(mock.Await(client.Channels.Get("test").HistoryAsync()).NextAsync());

        Assert.That(mock.Requests[0].Header("Authorization"), Is.Not.Null);
        Assert.That(mock.Requests[1].Header("Authorization"), Is.EqualTo(mock.Requests[0].Header("Authorization")));
    }

    // UTS: rest/unit/TG/pagination-relative-urls-5
    [Test]
    [Adapted("restHost is an optional, deprecated option (TO3k2) the library omits; the client's own host (the endpoint's) is the host the relative link must resolve against.")]
    public void TG4_PaginationWithRelativeUrls()
    {
        var (mock, client) = TwoPages("</channels/test/messages?page=2>; rel=\"next\"");
        using var _ = client;

        mock.Await(mock.Await(client.Channels.Get("test").HistoryAsync()).NextAsync());

        Assert.That(mock.Requests[1].Host, Is.EqualTo(mock.Requests[0].Host));
        Assert.That(mock.Requests[1].Path, Is.EqualTo("/channels/test/messages"));
        Assert.That(mock.Requests[1].Query("page"), Is.EqualTo("2"));
    }

    // UTS: rest/unit/TG/multiple-link-relations-6
    [Test]
    public void TG4_TG5_TG6_MultipleLinkRelations()
    {
        var (mock, client) = TwoPages("</channels/test/messages?page=2>; rel=\"next\", </channels/test/messages?page=1>; rel=\"first\", </channels/test/messages?page=5>; rel=\"last\"");
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test").HistoryAsync());
        Assert.That(result.HasNext, Is.True);

        mock.Await(result.NextAsync());
        mock.Await(result.FirstAsync());
        Assert.That(mock.Requests[1].Query("page"), Is.EqualTo("2"));
        Assert.That(mock.Requests[2].Query("page"), Is.EqualTo("1"));
    }

    // UTS: rest/unit/TG/pagination-presence-results-7
    [Test]
    public void TG2_PaginationWithPresenceResults()
    {
        var (mock, client) = Serve((n, req) =>
        {
            if (n == 1)
            {
                req.RespondWith(200, """[{"action":1,"clientId":"client1"}]""", Link("</channels/test/presence?page=2>; rel=\"next\""));
            }
            else
            {
                req.RespondWith(200, """[{"action":1,"clientId":"client2"}]""");
            }
        });
        using var _ = client;

        var page1 = mock.Await(client.Channels.Get("test").Presence.GetAsync());
        var page2 = mock.Await(page1.NextAsync())!;

        Assert.That(page1, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
        Assert.That(page1.Items[0].ClientId, Is.EqualTo("client1"));
        Assert.That(page2.Items[0].ClientId, Is.EqualTo("client2"));
    }

    // UTS: rest/unit/TG/pagination-includes-headers-8
    [Test]
    public void TG4_PaginationIncludesRequestHeaders()
    {
        var (mock, client) = TwoPages("</channels/test/messages?cursor=next>; rel=\"next\"");
        using var _ = client;

        mock.Await(mock.Await(client.Channels.Get("test").HistoryAsync()).NextAsync());

        Assert.That(mock.Requests[1].Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(mock.Requests[1].Header("Ably-Agent"), Does.Contain("ably-"));
    }

    // UTS: rest/unit/TG/error-handling-on-next-9
    [Test]
    public void TG4_ErrorHandlingOnNext()
    {
        var (mock, client) = Serve((n, req) =>
        {
            if (n == 1)
            {
                req.RespondWith(200, """[{"id":"item1"}]""", Link("</channels/test/messages?cursor=invalid>; rel=\"next\""));
            }
            else
            {
                req.RespondWith(404, MockHttp.Error(40400, 404, "Not found"));
            }
        });
        using var _ = client;

        var page1 = mock.Await(client.Channels.Get("test").HistoryAsync());
        var error = mock.AwaitFailure(page1.NextAsync());

        Assert.That(error.StatusCode, Is.EqualTo(404));
        Assert.That(error.Code, Is.EqualTo(40400));
    }
}
