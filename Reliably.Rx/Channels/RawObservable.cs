namespace Reliably.Rx.Channels;

/// <summary>
/// An observable that hands the subscriber's own observer to the channel's lossless buffers, with no Rx safeguard in
/// between: Rx operators detach a subscriber whose OnNext throws, but the channel's contract is that a throwing
/// subscriber is reported on <c>SubscriberErrors</c> and keeps receiving.
/// </summary>
internal sealed class RawObservable<T> : IObservable<T>
{
    private readonly Func<IObserver<T>, IDisposable> _subscribe;

    public RawObservable(Func<IObserver<T>, IDisposable> subscribe)
    {
        _subscribe = subscribe;
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return _subscribe(observer);
    }
}

/// <summary>Passes on the values that match a predicate, with no safeguard (see <see cref="RawObservable{T}"/>).</summary>
internal sealed class FilterObserver<T> : IObserver<T>
{
    private readonly IObserver<T> _observer;
    private readonly Func<T, bool> _predicate;

    public FilterObserver(IObserver<T> observer, Func<T, bool> predicate)
    {
        _observer = observer;
        _predicate = predicate;
    }

    public void OnNext(T value)
    {
        if (_predicate(value))
        {
            _observer.OnNext(value);
        }
    }

    public void OnError(Exception error) => _observer.OnError(error);

    public void OnCompleted() => _observer.OnCompleted();
}

/// <summary>Converts values; a conversion that fails is reported and skipped, never an OnError.</summary>
internal sealed class ConvertObserver<TIn, TOut> : IObserver<TIn>
{
    private readonly IObserver<TOut> _observer;
    private readonly Func<TIn, TOut> _convert;
    private readonly Action<Exception> _report;

    public ConvertObserver(IObserver<TOut> observer, Func<TIn, TOut> convert, Action<Exception> report)
    {
        _observer = observer;
        _convert = convert;
        _report = report;
    }

    public void OnNext(TIn value)
    {
        TOut converted;
        try
        {
            converted = _convert(value);
        }
        catch (AblyException ex)
        {
            _report(ex);
            return;
        }

        _observer.OnNext(converted);
    }

    public void OnError(Exception error) => _observer.OnError(error);

    public void OnCompleted() => _observer.OnCompleted();
}
