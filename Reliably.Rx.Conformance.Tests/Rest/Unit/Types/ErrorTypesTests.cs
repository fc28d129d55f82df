using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>uts/rest/unit/types/error_types.md (TI): <c>ErrorInfo</c> and <c>AblyException</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/types/error_types.md")]
public sealed class ErrorTypesTests
{
    /// <summary>The ErrorInfo the client reports for an error response with <paramref name="body"/>.</summary>
    private static ErrorInfo FromResponse(string body)
    {
        var mock = new MockHttp(req => req.RespondWith(400, body));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return mock.AwaitFailure(client.Channels.Get("test-TI").HistoryAsync()).ErrorInfo;
    }

    // UTS: rest/unit/TI1/errorinfo-attributes-0
    [Test]
    [Adapted("ErrorInfo's constructor takes code, statusCode and message together (a message is never null); the optional attributes are init properties. Its cause is an ErrorInfo; an exception as the cause is the InnerException of the AblyException that carries the ErrorInfo.")]
    public void TI1_TI2_TI3_TI4_TI5_ErrorInfoAttributes()
    {
        Assert.That(new ErrorInfo(40000, 0, string.Empty).Code, Is.EqualTo(40000));
        Assert.That(new ErrorInfo(40100, 401, string.Empty).StatusCode, Is.EqualTo(401));
        Assert.That(new ErrorInfo(40000, 400, "Bad request: invalid parameter").Message, Is.EqualTo("Bad request: invalid parameter"));
        Assert.That(new ErrorInfo(40000, 0, string.Empty) { Href = "https://help.ably.io/error/40000" }.Href, Is.EqualTo("https://help.ably.io/error/40000"));

        var cause = new ErrorInfo(80000, 0, "Network failure");
        Assert.That(new ErrorInfo(50003, 500, "Timeout") { Cause = cause }.Cause, Is.SameAs(cause));
        var original = new HttpRequestException("Network failure");
        Assert.That(new AblyException(new ErrorInfo(50003, 500, "Timeout"), original).InnerException, Is.SameAs(original));
    }

    // UTS: rest/unit/TI/errorinfo-from-json-0
    [Test]
    [Adapted("ErrorInfo has no public fromJson: an error response with the spec's JSON is what the client reads into an ErrorInfo.")]
    public void TI_ErrorInfoFromJsonResponse()
    {
        var error = FromResponse("""{"error":{"code":40100,"statusCode":401,"message":"Token expired","href":"https://help.ably.io/error/40100"}}""");

        Assert.That(error.Code, Is.EqualTo(40100));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(error.Message, Is.EqualTo("Token expired"));
        Assert.That(error.Href, Is.EqualTo("https://help.ably.io/error/40100"));
    }

    // UTS: rest/unit/TI/errorinfo-nested-cause-1
    [Test]
    [Adapted("ErrorInfo has no public fromJson: an error response with the spec's JSON is what the client reads into an ErrorInfo.")]
    public void TI_ErrorInfoWithNestedError()
    {
        var error = FromResponse("""{"error":{"code":50000,"statusCode":500,"message":"Internal error","cause":{"code":50001,"message":"Database connection failed"}}}""");

        Assert.That(error.Code, Is.EqualTo(50000));
        Assert.That(error.Cause, Is.InstanceOf<ErrorInfo>());
        Assert.That(error.Cause!.Code, Is.EqualTo(50001));
        Assert.That(error.Cause.Message, Is.EqualTo("Database connection failed"));
    }

    // UTS: rest/unit/TI/ably-exception-wraps-errorinfo-2
    [Test]
    public void TI_AblyExceptionWrapsErrorInfo()
    {
        var errorInfo = new ErrorInfo(40000, 400, "Bad request");

        var exception = new AblyException(errorInfo);

        Assert.That(exception.Code, Is.EqualTo(40000));
        Assert.That(exception.StatusCode, Is.EqualTo(400));
        Assert.That(exception.Message, Does.Contain("Bad request"));
        Assert.That(exception.ErrorInfo, Is.EqualTo(errorInfo));
    }

    // UTS: rest/unit/TI/common-error-codes-3
    [TestCase(40000, 400, "Bad request")]
    [TestCase(40100, 401, "Unauthorized")]
    [TestCase(40101, 401, "Invalid credentials")]
    [TestCase(40140, 401, "Token error")]
    [TestCase(40142, 401, "Token expired")]
    [TestCase(40160, 401, "Invalid capability")]
    [TestCase(40300, 403, "Forbidden")]
    [TestCase(40400, 404, "Not found")]
    [TestCase(50000, 500, "Internal server error")]
    [TestCase(50003, 500, "Timeout")]
    public void TI_CommonErrorCodes(int code, int status, string meaning)
    {
        var error = new ErrorInfo(code, status, meaning);

        Assert.That(error.Code, Is.EqualTo(code));
        Assert.That(error.StatusCode, Is.EqualTo(status));
    }

    // UTS: rest/unit/TI/error-string-representation-4
    [Test]
    public void TI_ErrorStringRepresentation()
    {
        var text = new ErrorInfo(40100, 401, "Unauthorized: token expired").ToString();

        Assert.That(text, Does.Contain("40100"));
        Assert.That(text, Does.Contain("401"));
        Assert.That(text, Does.Contain("Unauthorized").Or.Contain("token"));
    }

    // UTS: rest/unit/TI/error-equality-5
    [Test]
    public void TI_ErrorEquality()
    {
        var error1 = new ErrorInfo(40000, 400, "Bad request");
        var error2 = new ErrorInfo(40000, 400, "Bad request");
        var error3 = new ErrorInfo(40100, 401, "Unauthorized");

        Assert.That(error1, Is.EqualTo(error2));
        Assert.That(error1, Is.Not.EqualTo(error3));
    }
}
