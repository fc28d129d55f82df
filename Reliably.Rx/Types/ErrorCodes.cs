namespace Reliably.Rx;

/// <summary>
/// Ably error codes used by Reliably.Rx (from Ably's published error list, ably-common protocol/errors.json).
/// </summary>
public static class ErrorCodes
{
    /// <summary>40000: bad request.</summary>
    public const int BadRequest = 40000;
    /// <summary>40001: invalid request body.</summary>
    public const int InvalidRequestBody = 40001;
    /// <summary>40003: invalid parameter value.</summary>
    public const int InvalidParameterValue = 40003;
    /// <summary>40005: invalid key format.</summary>
    public const int InvalidKey = 40005;
    /// <summary>40009: maximum message length exceeded.</summary>
    public const int MessageTooLarge = 40009;
    /// <summary>40010: invalid channel name.</summary>
    public const int InvalidChannelName = 40010;
    /// <summary>40012: invalid clientId.</summary>
    public const int InvalidClientId = 40012;
    /// <summary>40013: invalid message data or encoding; also reported when a received payload cannot be decoded (RSL6b).</summary>
    public const int InvalidMessageDataOrEncoding = 40013;
    /// <summary>40017: unsupported protocol version.</summary>
    public const int UnsupportedProtocolVersion = 40017;
    /// <summary>40018: a delta (vcdiff) could not be decoded; the channel recovers by re-attaching (RTL18).</summary>
    public const int DeltaDecodeFailed = 40018;
    /// <summary>40019: a received message needs a plugin the client does not have (a vcdiff decoder, PC3).</summary>
    public const int MissingPlugin = 40019;
    /// <summary>40031: invalid or inconsistent message ids (RSL1k3).</summary>
    public const int InvalidMessageId = 40031;
    /// <summary>40100: unauthorized.</summary>
    public const int Unauthorized = 40100;
    /// <summary>40101: invalid credentials.</summary>
    public const int InvalidCredentials = 40101;
    /// <summary>40102: incompatible credentials.</summary>
    public const int IncompatibleCredentials = 40102;
    /// <summary>40103: invalid use of Basic auth over a non-TLS transport (RSA1, RSC18).</summary>
    public const int InsecureBasicAuth = 40103;
    /// <summary>40104: timestamp not current.</summary>
    public const int TimestampNotCurrent = 40104;
    /// <summary>40105: nonce value replayed.</summary>
    public const int NonceReplayed = 40105;
    /// <summary>40106: no means of authentication provided.</summary>
    public const int NoAuthMeans = 40106;
    /// <summary>40140: token error (unspecified).</summary>
    public const int TokenError = 40140;
    /// <summary>40141: token revoked.</summary>
    public const int TokenRevoked = 40141;
    /// <summary>40142: token expired.</summary>
    public const int TokenExpired = 40142;
    /// <summary>40143: token unrecognised.</summary>
    public const int TokenUnrecognised = 40143;
    /// <summary>40160: action not permitted by the capability.</summary>
    public const int OperationNotPermitted = 40160;
    /// <summary>40162: the operation needs Basic auth with an API key, e.g. token revocation (RSA17d).</summary>
    public const int BasicAuthRequired = 40162;
    /// <summary>40170: error from the authCallback or authUrl.</summary>
    public const int AuthCallbackError = 40170;
    /// <summary>40171: no means to renew an expired token.</summary>
    public const int NoMeansToRenewToken = 40171;
    /// <summary>40400: not found.</summary>
    public const int NotFound = 40400;
    /// <summary>
    /// 42910: a limit was reached and the operation refused; it can be retried. The client uses it when
    /// <see cref="ClientOptions.MaxPendingPublishes"/> publishes are already held.
    /// </summary>
    public const int RateLimitExceeded = 42910;
    /// <summary>50000: internal error.</summary>
    public const int InternalError = 50000;
    /// <summary>50003: timeout error.</summary>
    public const int Timeout = 50003;
    /// <summary>80000: connection failed.</summary>
    public const int ConnectionFailed = 80000;
    /// <summary>80002: connection suspended.</summary>
    public const int ConnectionSuspended = 80002;
    /// <summary>80003: connection disconnected.</summary>
    public const int Disconnected = 80003;
    /// <summary>80008: unable to recover the connection (failed resume).</summary>
    public const int UnableToRecoverConnection = 80008;
    /// <summary>
    /// 80020: continuity lost because messages arrived faster than they were taken: a bounded subscription that overflowed
    /// (<see cref="OverflowPolicy"/>); Ably uses the code for its own per-connection rate limit.
    /// </summary>
    public const int DeliveryRateExceeded = 80020;
    /// <summary>80017: the connection was closed deliberately.</summary>
    public const int ConnectionClosed = 80017;
    /// <summary>80018: invalid connection key (recover or resume).</summary>
    public const int InvalidConnectionKey = 80018;
    /// <summary>80019: the auth callback or auth URL failed during a realtime connection.</summary>
    public const int AuthCallbackFailed = 80019;
    /// <summary>90000: a channel operation failed.</summary>
    public const int ChannelOperationFailed = 90000;
    /// <summary>90001: the channel is in a state that does not permit the operation.</summary>
    public const int ChannelOperationFailedInvalidState = 90001;
    /// <summary>90003: unable to recover channel (messages expired).</summary>
    public const int UnableToRecoverChannel = 90003;
    /// <summary>90007: no response to an attach or detach in time.</summary>
    public const int ChannelOperationTimeout = 90007;
    /// <summary>91000: a clientId is required to enter presence.</summary>
    public const int PresenceClientIdRequired = 91000;
    /// <summary>91004: automatic presence re-entry failed (RTP17e).</summary>
    public const int PresenceReenterFailed = 91004;
    /// <summary>91005: presence state is out of sync (get() while SUSPENDED, RTP11d).</summary>
    public const int PresenceOutOfSync = 91005;
}
