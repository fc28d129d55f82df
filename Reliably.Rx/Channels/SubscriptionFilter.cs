using System.Globalization;
using System.Text;

namespace Reliably.Rx;

/// <summary>
/// A server-side subscription filter: the JMESPath expression a derived channel applies to its base channel's
/// messages (RTS5, DO2a), so that the server sends the subscriber only the messages that match. Built from typed parts
/// (<see cref="NameIs"/>, <see cref="HeaderIs(string, string)"/>, <see cref="And"/>, ...) or given raw
/// (<see cref="Raw"/>). Ably evaluates filters against a message's <c>name</c> and its <c>extras.headers</c> (a flat
/// object), which the expression reads as <c>name</c> and <c>headers.&lt;key&gt;</c>; the payload is not visible to
/// filters. Immutable.
/// </summary>
/// <example><c>SubscriptionFilter.NameIs("quote") &amp; SubscriptionFilter.HeaderIs("venue", "XLON")</c> is
/// <c>(name == 'quote') &amp;&amp; (headers."venue" == 'XLON')</c>.</example>
public sealed class SubscriptionFilter
{
    private SubscriptionFilter(string expression) => Expression = expression;

    /// <summary>The JMESPath expression, as sent (base64-encoded) in the derived channel's name.</summary>
    public string Expression { get; }

    /// <summary>A filter given as a JMESPath expression, used unchanged.</summary>
    /// <param name="expression">The expression, e.g. <c>name == 'quote' &amp;&amp; headers.size &gt; `100`</c>.</param>
    /// <exception cref="AblyException">40003 for an empty expression.</exception>
    public static SubscriptionFilter Raw(string expression) =>
        string.IsNullOrWhiteSpace(expression)
            ? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A subscription filter expression must not be empty.")
            : new SubscriptionFilter(expression);

    /// <summary>Messages whose name is <paramref name="name"/>.</summary>
    /// <param name="name">The message name.</param>
    public static SubscriptionFilter NameIs(string name) => new("name == " + Text(name));

    /// <summary>Messages whose name is any of <paramref name="names"/>.</summary>
    /// <param name="names">At least one message name.</param>
    /// <exception cref="AblyException">40003 without any name.</exception>
    public static SubscriptionFilter NameIn(params string[] names) =>
        names is { Length: > 0 }
            ? names.Select(NameIs).Aggregate((a, b) => a | b)
            : throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "NameIn needs at least one name.");

    /// <summary>Messages whose <c>extras.headers</c> has <paramref name="key"/> equal to the string <paramref name="value"/>.</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The string it must equal.</param>
    public static SubscriptionFilter HeaderIs(string key, string value) => new(Header(key) + " == " + Text(value));

    /// <summary>Messages whose <c>extras.headers</c> has <paramref name="key"/> equal to the number <paramref name="value"/>.</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The number it must equal.</param>
    public static SubscriptionFilter HeaderIs(string key, double value) => new(Header(key) + " == " + Number(value));

    /// <summary>Messages whose <c>extras.headers</c> has <paramref name="key"/> equal to the boolean <paramref name="value"/>.</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The boolean it must equal.</param>
    public static SubscriptionFilter HeaderIs(string key, bool value) => new(Header(key) + " == `" + (value ? "true" : "false") + "`");

    /// <summary>Messages whose <c>extras.headers</c> has <paramref name="key"/> (with any value but null).</summary>
    /// <param name="key">The header key.</param>
    public static SubscriptionFilter HeaderExists(string key) => new(Header(key) + " != `null`");

    /// <summary>Messages whose numeric header <paramref name="key"/> is greater than <paramref name="value"/> (JMESPath orders numbers only).</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The bound.</param>
    public static SubscriptionFilter HeaderGreaterThan(string key, double value) => new(Header(key) + " > " + Number(value));

    /// <summary>Messages whose numeric header <paramref name="key"/> is less than <paramref name="value"/>.</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The bound.</param>
    public static SubscriptionFilter HeaderLessThan(string key, double value) => new(Header(key) + " < " + Number(value));

    /// <summary>Messages that match both filters.</summary>
    /// <param name="other">The other filter.</param>
    public SubscriptionFilter And(SubscriptionFilter other) => new("(" + Expression + ") && (" + Required(other).Expression + ")");

    /// <summary>Messages that match either filter.</summary>
    /// <param name="other">The other filter.</param>
    public SubscriptionFilter Or(SubscriptionFilter other) => new("(" + Expression + ") || (" + Required(other).Expression + ")");

    /// <summary>Messages that do not match this filter.</summary>
    public SubscriptionFilter Not() => new("!(" + Expression + ")");

    /// <summary>Messages that match both filters; the same as <see cref="And"/>.</summary>
    /// <param name="left">One filter.</param>
    /// <param name="right">The other.</param>
    public static SubscriptionFilter operator &(SubscriptionFilter left, SubscriptionFilter right) => Required(left).And(right);

    /// <summary>Messages that match either filter; the same as <see cref="Or"/>.</summary>
    /// <param name="left">One filter.</param>
    /// <param name="right">The other.</param>
    public static SubscriptionFilter operator |(SubscriptionFilter left, SubscriptionFilter right) => Required(left).Or(right);

    /// <summary>Messages that do not match the filter; the same as <see cref="Not"/>.</summary>
    /// <param name="filter">The filter.</param>
    public static SubscriptionFilter operator !(SubscriptionFilter filter) => Required(filter).Not();

    /// <summary>The derive options of a channel with this filter (DO2a).</summary>
    public DeriveOptions ToDeriveOptions() => new() { Filter = Expression };

    /// <summary>The JMESPath expression.</summary>
    public override string ToString() => Expression;

    private static SubscriptionFilter Required(SubscriptionFilter? filter) =>
        filter ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A subscription filter must not be null.");

    /// <summary>A header as a quoted identifier, so that any key (dashes, dots, spaces) reads as one field.</summary>
    private static string Header(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A header key must not be empty.");
        }

        return "headers.\"" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A JMESPath raw string literal: only the quote and the backslash are escaped.</summary>
    private static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('\'').ToString();
    }

    private static string Number(double value) =>
        double.IsFinite(value)
            ? "`" + value.ToString("R", CultureInfo.InvariantCulture) + "`"
            : throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A header value to compare with must be a finite number.");
}
