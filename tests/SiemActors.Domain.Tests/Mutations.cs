using System.Text;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using Xunit;

namespace SiemActors.Domain.Tests;

/// <summary>Truncates and flips bytes of seed messages; every result must parse or give a reason, never throw.</summary>
internal static class Mutations
{
    public static void NeverThrow(EventNormalizer normalizer, int seed, int count, params string[] seeds)
    {
        var random = new Random(seed);
        var inputs = seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        var origin = new KafkaOrigin("siem-events", 0, 0);
        for (var i = 0; i < count; i++)
        {
            var input = (byte[])inputs[i % inputs.Length].Clone();
            input = input[..random.Next(input.Length + 1)];
            for (var flips = random.Next(0, 4); flips > 0 && input.Length > 0; flips--)
                input[random.Next(input.Length)] = (byte)random.Next(256);
            var result = normalizer.Normalize(input, origin, 1_800_000_000_000, 1_800_000_000_000);
            Assert.True(result.IsEvent ^ (result.Rejection is not null));
        }
    }
}
