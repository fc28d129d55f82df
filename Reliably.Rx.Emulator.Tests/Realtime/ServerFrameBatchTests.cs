using System.Net.WebSockets;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// The WebSocket writer frames its data messages itself, several to a write: the framework's client-side WebSocket must
/// read each back as one whole message of the right type and length, across the 7-, 16- and 64-bit length encodings.
/// </summary>
public sealed class ServerFrameBatchTests
{
    private static readonly OutgoingFrame AnyFrame = new(new JObject { ["action"] = Actions.Heartbeat });

    [Test]
    public async Task Batch_OfMessagesAcrossEveryLengthEncoding_ReadsBackAsTheSameMessages()
    {
        int[] lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];
        var batch = new ServerFrameBatch();
        var payloads = new List<(byte[] Bytes, bool Binary)>();
        for (var i = 0; i < lengths.Length; i++)
        {
            var bytes = new byte[lengths[i]];
            Random.Shared.NextBytes(bytes);
            var binary = i % 2 == 1;
            if (!binary)
            {
                // A text message must be UTF-8, which the reading side checks.
                for (var k = 0; k < bytes.Length; k++)
                {
                    bytes[k] = (byte)('a' + (bytes[k] % 26));
                }
            }

            batch.Add(AnyFrame, bytes, binary);
            payloads.Add((bytes, binary));
        }

        Assert.That(batch.Frames, Has.Count.EqualTo(lengths.Length));
        using var socket = WebSocket.CreateFromStream(new MemoryStream(batch.Bytes.ToArray()), new WebSocketCreationOptions { IsServer = false });
        foreach (var (expected, binary) in payloads)
        {
            var (received, type) = await ReceiveAsync(socket);
            Assert.That(type, Is.EqualTo(binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text));
            Assert.That(received, Is.EqualTo(expected), $"a {expected.Length}-byte message");
        }
    }

    [Test]
    public void Clear_EmptiesTheBatch_AndItIsReusable()
    {
        var batch = new ServerFrameBatch();
        batch.Add(AnyFrame, new byte[300_000], binary: true);
        batch.Clear();
        Assert.That(batch.IsEmpty, Is.True);
        Assert.That(batch.Length, Is.Zero);

        batch.Add(AnyFrame, "{}"u8, binary: false);
        Assert.That(batch.Bytes.ToArray(), Is.EqualTo(new byte[] { 0x81, 2, (byte)'{', (byte)'}' }));
    }

    private static async Task<(byte[] Bytes, WebSocketMessageType Type)> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (message.ToArray(), result.MessageType);
            }
        }
    }
}
