using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Rest.Integration;

/// <summary>
/// RSA8c against real HTTP: a loopback auth server (HttpListener) that signs token requests with the emulator key and
/// answers GET with a token string and POST with a JSON TokenRequest; the client then uses the emulator.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RestAuthUrlTests : EmulatorFixture
{
    private HttpListener? _listener;
    private Task? _serving;
    private AblyRest? _signer;
    private int _authRequests;
    private string? _lastQueryClientId;

    private Uri AuthUrl { get; set; } = null!;

    [OneTimeSetUp]
    public void StartAuthServer()
    {
        _listener = LoopbackPorts.StartHttpListener(out var port, "/auth/");
        AuthUrl = new Uri($"http://127.0.0.1:{port}/auth/");
        _signer = new AblyRest(Options("json"));
        _serving = Task.Run(ServeAsync);
    }

    [OneTimeTearDown]
    public async Task StopAuthServer()
    {
        _listener?.Close();
        if (_serving is not null)
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _signer?.Dispose();
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA8c_GetAuthUrlAnsweringATokenString(string format)
    {
        var before = Volatile.Read(ref _authRequests);
        await using var rest = new AblyRest(Options(format) with
        {
            Key = null,
            AllowInsecureBasicAuth = false,
            AuthUrl = AuthUrl,
            AuthParams = new Dictionary<string, string> { ["mode"] = "text" },
            ClientId = "url-client",
        });

        await rest.Channels.Get(UniqueChannel("authurl")).PublishAsync("n", "d");

        Assert.That(Volatile.Read(ref _authRequests) - before, Is.EqualTo(1));
        Assert.That(_lastQueryClientId, Is.EqualTo("url-client"), "RSA12b: the clientId goes to the authUrl");
        Assert.That(rest.Auth.TokenDetails!.Token, Is.Not.Empty);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA8c_PostAuthUrlAnsweringATokenRequestThatIsExchanged(string format)
    {
        await using var rest = new AblyRest(Options(format) with
        {
            Key = null,
            AllowInsecureBasicAuth = false,
            AuthUrl = AuthUrl,
            AuthMethod = HttpMethod.Post,
            AuthParams = new Dictionary<string, string> { ["mode"] = "tokenrequest" },
        });
        var name = UniqueChannel("authurl-post");

        await rest.Channels.Get(name).PublishAsync("n", "d");

        Assert.That((await rest.Channels.Get(name).HistoryAsync()).Items, Has.Count.EqualTo(1));
        Assert.That(rest.Auth.TokenDetails!.Expires, Is.Not.Null, "a TokenRequest is exchanged for full TokenDetails");
    }

    [Test]
    public async Task RSA4e_AuthUrlErrorIs40170()
    {
        await using var rest = new AblyRest(Options("json") with
        {
            Key = null,
            AllowInsecureBasicAuth = false,
            AuthUrl = AuthUrl,
            AuthParams = new Dictionary<string, string> { ["mode"] = "fail" },
        });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.AuthCallbackError));
        Assert.That(ex.StatusCode, Is.EqualTo(401), "RSA4e: 40170 with statusCode 401");
    }

    private async Task ServeAsync()
    {
        while (_listener is { IsListening: true })
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _authRequests);
            var fields = context.Request.HttpMethod == "POST"
                ? await ReadFormAsync(context.Request)
                : context.Request.QueryString.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.QueryString[k]!);
            fields.TryGetValue("clientId", out var clientId);
            _lastQueryClientId = clientId;
            var tokenParams = new TokenParams { ClientId = clientId };
            switch (fields.GetValueOrDefault("mode"))
            {
                case "text":
                    var token = await _signer!.Auth.RequestTokenAsync(tokenParams);
                    await WriteAsync(context, 200, "text/plain", token.Token);
                    break;
                case "tokenrequest":
                    var request = await _signer!.Auth.CreateTokenRequestAsync(tokenParams);
                    var json = new JObject
                    {
                        ["keyName"] = request.KeyName,
                        ["clientId"] = request.ClientId,
                        ["timestamp"] = request.Timestamp.ToUnixTimeMilliseconds(),
                        ["nonce"] = request.Nonce,
                        ["mac"] = request.Mac,
                    };
                    await WriteAsync(context, 200, "application/json", json.ToString());
                    break;
                default:
                    await WriteAsync(context, 403, "text/plain", "forbidden");
                    break;
            }
        }
    }

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream);
        var body = await reader.ReadToEndAsync();
        return body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => p.Length > 1 ? WebUtility.UrlDecode(p[1]) : string.Empty);
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string contentType, string body)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
