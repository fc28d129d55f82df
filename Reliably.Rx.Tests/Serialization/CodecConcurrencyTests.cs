using Reliably.Rx.Protocol;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>The codecs are shared singletons: concurrent use from many threads gives the same bytes and models.</summary>
public sealed class CodecConcurrencyTests
{
    [Test]
    public async Task Codecs_AreSafeToShareAcrossThreads()
    {
        const int seed = 99;
        using var texts = ProtocolGen.Stream(ProtocolGen.Text, seed).GetEnumerator();
        using var bytes = ProtocolGen.Stream(ProtocolGen.Bytes, seed).GetEnumerator();
        var frames = ProtocolGen.Stream(ProtocolGen.ProtocolMessage, seed).Take(50).Select(pm =>
        {
            texts.MoveNext();
            bytes.MoveNext();
            // Codec-level data only (strings and bytes), so the expected bytes are stable.
            pm.Messages = new[] { new Message("n", texts.Current), new Message("b", bytes.Current) };
            return pm;
        }).ToArray();
        var expected = Both.ToDictionary(c => c.Format, c => frames.Select(f => c.Write(f)).ToArray());

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var round = 0; round < 20; round++)
            {
                foreach (var codec in Both)
                {
                    for (var i = 0; i < frames.Length; i++)
                    {
                        var bytes = codec.Write(frames[i]);
                        Assert.That(bytes, Is.EqualTo(expected[codec.Format][i]), $"worker {w}, {codec.Format} frame {i}");
                        var read = codec.ReadProtocolMessage(bytes);
                        Assert.That(read.Action, Is.EqualTo(frames[i].Action));
                    }
                }
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Test]
    public void JsonWriter_RecoversAfterAFailedWriteOnTheSameThread()
    {
        var codec = Reliably.Rx.Serialization.ProtocolCodecs.Json;
        var bad = new ProtocolMessage(ProtocolAction.Message) { Channel = "c", Messages = new Message[] { null! } };
        Assert.Catch(() => codec.Write(bad));
        var good = codec.Write(new ProtocolMessage(ProtocolAction.Attach, "ch"));
        Assert.That(System.Text.Encoding.UTF8.GetString(good), Is.EqualTo("""{"action":10,"channel":"ch"}"""));
    }
}
