using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Emulator.Internal.Rest;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>The outermost request handler of both hosts (Kestrel and in-memory): no request may crash the server.</summary>
internal static class RequestGuard
{
    public static async Task RunAsync(HttpContext context, Func<HttpContext, Task> handler, ILogger logger)
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Answer with an Ably-shaped 500 if we still can.
            EmulatorLog.UnhandledRequestError(logger, context.Request.Path, ex);
            if (!context.Response.HasStarted)
            {
                await new RestExchange(context).WriteErrorAsync(50000, 500, "Internal emulator error: " + ex.Message).ConfigureAwait(false);
            }
        }
    }
}
