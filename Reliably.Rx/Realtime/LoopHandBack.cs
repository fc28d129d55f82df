namespace Reliably.Rx.Realtime;

/// <summary>
/// Hands the outcome of work that ran off the loop (a token renewal, a connectivity check, a history fetch) back to
/// the loop, where the state it affects lives.
/// </summary>
internal static class LoopHandBack
{
    /// <summary>
    /// Runs <paramref name="onLoop"/> with the finished <paramref name="task"/> on the loop: at once when the task has
    /// already finished (the caller is on the loop), otherwise as a turn posted when it finishes, so the outcome never
    /// runs nested inside the turn of whoever completed it.
    /// </summary>
    public static void WhenDone<TTask>(this ConnectionLoop loop, TTask task, Action<TTask> onLoop)
        where TTask : Task
    {
        if (task.IsCompleted)
        {
            onLoop(task);
            return;
        }

        task.ContinueWith(
            static (finished, state) =>
            {
                var (owner, handler) = ((ConnectionLoop, Action<TTask>))state!;
                owner.Post(() => handler((TTask)finished));
            },
            (loop, onLoop),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
