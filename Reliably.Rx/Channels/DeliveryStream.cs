namespace Reliably.Rx.Channels;

/// <summary>
/// A channel stream: hands the subscriber's own observer to its queue with no Rx safeguard in between (Rx operators
/// detach a subscriber whose OnNext throws, but the channel's contract is that a throwing subscriber is reported on
/// <c>SubscriberErrors</c> and keeps receiving).
/// </summary>
internal sealed class DeliveryStream<T> : IDeliveryStream<T>
{
    private readonly Func<IObserver<T>, DeliveryOptions, DeliverySubscription> _subscribe;

    public DeliveryStream(Func<IObserver<T>, DeliveryOptions, DeliverySubscription> subscribe)
    {
        _subscribe = subscribe;
    }

    public IDisposable Subscribe(IObserver<T> observer) => Subscribe(observer, DeliveryOptions.Default);

    public DeliverySubscription Subscribe(IObserver<T> observer, DeliveryOptions options)
    {
        Validate(observer, options);
        return _subscribe(observer, options);
    }

    /// <summary>The checks every channel stream makes before it subscribes: 40003 for a null observer or options, then the options' own.</summary>
    internal static void Validate(IObserver<T> observer, DeliveryOptions options)
    {
        if (observer is null || options is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The observer and the delivery options must not be null.");
        }

        options.Validate();
    }
}

/// <summary>Delivers one kind of notification as its payload, with no safeguard (see <see cref="DeliveryStream{T}"/>).</summary>
internal sealed class ProjectingObserver<T>(IObserver<T> observer, Func<ChannelNotification, T> project) : IObserver<ChannelNotification>
{
    public void OnNext(ChannelNotification value) => observer.OnNext(project(value));

    public void OnError(Exception error) => observer.OnError(error);

    public void OnCompleted() => observer.OnCompleted();
}

/// <summary>
/// A typed stream's observer: converts each message's data; a message whose data is null or cannot be converted is
/// skipped and reported, or ends the subscription, as its <see cref="ConversionFailure"/> says.
/// </summary>
internal sealed class TypedDataObserver<T>(IObserver<T> observer, ConversionFailure policy, Action<Exception> report) : IObserver<ChannelNotification>
    where T : notnull
{
    private bool _failed;

    /// <summary>The subscription this observer belongs to, ended on a failure with <see cref="ConversionFailure.Fail"/>.</summary>
    public DeliverySubscription? Subscription { get; set; }

    public void OnNext(ChannelNotification value)
    {
        if (_failed)
        {
            return;
        }

        var message = ((MessageNotification)value).Message;
        T converted;
        try
        {
            converted = MessageData.As<T>(message.Data) ?? throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                $"Message {message.Id} has no data to read as {typeof(T).Name}.");
        }
        catch (AblyException ex)
        {
            if (policy == ConversionFailure.SkipAndReport)
            {
                report(ex);
                return;
            }

            _failed = true;
            Subscription?.Dispose();
            observer.OnError(ex);
            return;
        }

        observer.OnNext(converted);
    }

    public void OnError(Exception error) => observer.OnError(error);

    public void OnCompleted()
    {
        if (!_failed)
        {
            observer.OnCompleted();
        }
    }
}
