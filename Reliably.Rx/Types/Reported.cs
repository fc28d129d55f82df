namespace Reliably.Rx;

/// <summary>
/// The rule for Task-returning members: every failure, a usage error included, is reported through the task, so a
/// caller that awaits, or that only attaches a continuation, sees every outcome in one place.
/// </summary>
internal static class Reported
{
    public static Task Run(Func<Task> body)
    {
        try
        {
            return body();
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    public static Task<T> Run<T>(Func<Task<T>> body)
    {
        try
        {
            return body();
        }
        catch (AblyException ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
