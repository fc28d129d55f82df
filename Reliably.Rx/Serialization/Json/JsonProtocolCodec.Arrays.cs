using JsonTokenType = System.Text.Json.JsonTokenType;
using Utf8JsonReader = System.Text.Json.Utf8JsonReader;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// The arrays of a frame (messages, presence, annotations) and the REST bodies that hold one of them: one reader for
/// all three element types. The element reader is a struct type argument, so each instantiation calls its element's
/// body reader directly, with no delegate on the per-element path.
/// </summary>
internal sealed partial class JsonProtocolCodec
{
    /// <summary>How one element type is read, and what its errors call it.</summary>
    private interface IElementReader<T>
    {
        /// <summary>The wire field that holds an array of these (named in a type error).</summary>
        static abstract string Field { get; }

        /// <summary>What a REST body of these is called in its error ("message", "presence", "annotations").</summary>
        static abstract string BodyNoun { get; }

        /// <summary>Reads the properties of one element after its StartObject.</summary>
        static abstract T Read(ref Utf8JsonReader r, ref RepeatedStrings repeated);
    }

    private readonly struct MessageElements : IElementReader<Message>
    {
        public static string Field => N.Messages;

        public static string BodyNoun => "message";

        public static Message Read(ref Utf8JsonReader r, ref RepeatedStrings repeated) => ReadMessageBody(ref r, ref repeated);
    }

    private readonly struct PresenceElements : IElementReader<PresenceMessage>
    {
        public static string Field => N.Presence;

        public static string BodyNoun => "presence";

        public static PresenceMessage Read(ref Utf8JsonReader r, ref RepeatedStrings repeated) => ReadPresenceBody(ref r, ref repeated);
    }

    private readonly struct AnnotationElements : IElementReader<Annotation>
    {
        public static string Field => N.Annotations;

        public static string BodyNoun => "annotations";

        public static Annotation Read(ref Utf8JsonReader r, ref RepeatedStrings repeated) => ReadAnnotationBody(ref r);
    }

    /// <summary>Reads array elements after the StartArray; null elements are dropped.</summary>
    private static T[] ReadArrayBody<T, TElements>(ref Utf8JsonReader r)
        where T : class
        where TElements : struct, IElementReader<T>
    {
        var list = Scratch<T>.Take();

        // Strings that repeat from element to element (names, client ids, connection ids) are shared within a frame.
        var repeated = default(RepeatedStrings);
        while (JsonRead.NextElement(ref r))
        {
            switch (r.TokenType)
            {
                case JsonTokenType.StartObject: list.Add(TElements.Read(ref r, ref repeated)); break;
                case JsonTokenType.Null: break;
                default: throw CodecErrors.WrongType(TElements.Field, "an array of objects", r.TokenType.ToString());
            }
        }

        return Scratch<T>.ToArrayAndReturn(list);
    }

    /// <summary>A REST body: an array of elements, one element, or null (no elements).</summary>
    private static T[] ReadDocument<T, TElements>(ref Utf8JsonReader r)
        where T : class
        where TElements : struct, IElementReader<T>
    {
        JsonRead.Next(ref r);
        var repeated = default(RepeatedStrings);
        return r.TokenType switch
        {
            JsonTokenType.StartArray => ReadArrayBody<T, TElements>(ref r),
            JsonTokenType.StartObject => new[] { TElements.Read(ref r, ref repeated) },
            JsonTokenType.Null => Array.Empty<T>(),
            _ => throw CodecErrors.Malformed($"A {TElements.BodyNoun} body must be a JSON array or object."),
        };
    }

    /// <summary>Parses a REST body; any failure is the codec's error (40000), naming <paramref name="what"/>.</summary>
    private static T[] ReadBody<T, TElements>(ReadOnlyMemory<byte> body, string what)
        where T : class
        where TElements : struct, IElementReader<T>
    {
        try
        {
            return JsonRead.Parse(body.Span, ReadDocument<T, TElements>);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, what);
        }
    }
}
