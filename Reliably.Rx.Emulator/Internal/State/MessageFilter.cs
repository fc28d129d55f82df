using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A derived channel's subscription filter (RTS5): the JMESPath subset Ably documents for filters, evaluated against a
/// message's <c>name</c> and <c>headers</c> (<c>extras.headers</c>). Supported: field paths, JSON literals in backticks,
/// raw strings in single quotes, <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp; || !</c> and parentheses, with
/// JMESPath truthiness. Anything else fails the attach with 40010, as an unparseable filter does on Ably.
/// </summary>
internal sealed class MessageFilter
{
    private readonly Func<JObject, JToken?> _evaluate;

    private MessageFilter(Func<JObject, JToken?> evaluate) => _evaluate = evaluate;

    public static MessageFilter Compile(string expression)
    {
        var parser = new Parser(expression);
        var evaluate = parser.ParseExpression();
        parser.ExpectEnd();
        return new MessageFilter(evaluate);
    }

    /// <summary>True if the message passes the filter.</summary>
    public bool Matches(JObject message)
    {
        var context = new JObject
        {
            ["name"] = message["name"]?.DeepClone(),
            ["headers"] = message["extras"]?["headers"]?.DeepClone(),
        };
        return Truthy(_evaluate(context));
    }

    private static bool Truthy(JToken? value) => value switch
    {
        null => false,
        JValue { Type: JTokenType.Null } => false,
        JValue { Type: JTokenType.Boolean } b => (bool)b,
        JValue { Type: JTokenType.String } s => ((string?)s)!.Length > 0,
        JArray a => a.Count > 0,
        JObject o => o.Count > 0,
        _ => true,
    };

    private static bool Equal(JToken? a, JToken? b)
    {
        if (Number(a) is { } x && Number(b) is { } y)
        {
            return x == y;
        }

        var left = a ?? JValue.CreateNull();
        var right = b ?? JValue.CreateNull();
        return JToken.DeepEquals(left, right);
    }

    private static double? Number(JToken? value) =>
        value is JValue { Type: JTokenType.Integer or JTokenType.Float } v ? Convert.ToDouble(v.Value, CultureInfo.InvariantCulture) : null;

    private static JToken? Compare(string op, JToken? a, JToken? b)
    {
        switch (op)
        {
            case "==":
                return Equal(a, b);
            case "!=":
                return !Equal(a, b);
        }

        // JMESPath orders numbers only; any other operand makes the comparison null (falsy).
        if (Number(a) is not { } x || Number(b) is not { } y)
        {
            return JValue.CreateNull();
        }

        return op switch
        {
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            _ => x >= y,
        };
    }

    private sealed class Parser
    {
        private readonly string _text;
        private int _pos;

        public Parser(string text) => _text = text;

        public Func<JObject, JToken?> ParseExpression()
        {
            var left = ParseAnd();
            while (TryConsume("||"))
            {
                var l = left;
                var right = ParseAnd();
                left = c => l(c) is var v && Truthy(v) ? v : right(c);
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < _text.Length)
            {
                throw Error("unexpected '" + _text[_pos..] + "'");
            }
        }

        private Func<JObject, JToken?> ParseAnd()
        {
            var left = ParseNot();
            while (TryConsume("&&"))
            {
                var l = left;
                var right = ParseNot();
                left = c => l(c) is var v && !Truthy(v) ? v : right(c);
            }

            return left;
        }

        private Func<JObject, JToken?> ParseNot()
        {
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == '!' && !Peek("!="))
            {
                _pos++;
                var operand = ParseNot();
                return c => !Truthy(operand(c));
            }

            return ParseComparison();
        }

        private Func<JObject, JToken?> ParseComparison()
        {
            var left = ParsePrimary();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (TryConsume(op))
                {
                    var right = ParsePrimary();
                    return c => Compare(op, left(c), right(c));
                }
            }

            return left;
        }

        private Func<JObject, JToken?> ParsePrimary()
        {
            SkipSpace();
            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of expression");
            }

            switch (_text[_pos])
            {
                case '(':
                    _pos++;
                    var inner = ParseExpression();
                    return TryConsume(")") ? inner : throw Error("missing ')'");
                case '`':
                    var literal = ReadLiteral();
                    return _ => literal;
                case '\'':
                    var raw = new JValue(ReadQuoted('\''));
                    return _ => raw;
                default:
                    return ReadPath();
            }
        }

        private JToken ReadLiteral()
        {
            var end = _text.IndexOf('`', _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated literal");
            }

            var json = _text[(_pos + 1)..end].Replace("\\`", "`", StringComparison.Ordinal);
            _pos = end + 1;
            try
            {
                return JToken.Parse(json);
            }
            catch (Newtonsoft.Json.JsonReaderException)
            {
                throw Error("invalid literal `" + json + "`");
            }
        }

        private string ReadQuoted(char quote)
        {
            var sb = new StringBuilder();
            _pos++;
            while (_pos < _text.Length && _text[_pos] != quote)
            {
                if (_text[_pos] == '\\' && _pos + 1 < _text.Length)
                {
                    _pos++;
                }

                sb.Append(_text[_pos++]);
            }

            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            _pos++;
            return sb.ToString();
        }

        private Func<JObject, JToken?> ReadPath()
        {
            var segments = new List<string> { ReadIdentifier() };
            while (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                segments.Add(ReadIdentifier());
            }

            return c =>
            {
                JToken? current = c;
                foreach (var s in segments)
                {
                    current = current is JObject o ? o[s] : null;
                }

                return current;
            };
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == '"')
            {
                return ReadQuoted('"');
            }

            var start = _pos;
            while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            return _pos > start && !char.IsDigit(_text[start]) ? _text[start.._pos] : throw Error("expected a field name at " + start);
        }

        private bool Peek(string token) => string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0;

        private bool TryConsume(string token)
        {
            SkipSpace();
            if (!Peek(token))
            {
                return false;
            }

            _pos += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private AblyException Error(string why) => new(40010, 400, "Invalid channel name: filter expression: " + why);
    }
}
