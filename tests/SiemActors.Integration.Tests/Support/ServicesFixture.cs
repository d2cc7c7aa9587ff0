using Xunit;

namespace SiemActors.Integration.Tests.Support;

/// <summary>Dedicated Redis and ClickHouse for one test class.</summary>
public sealed class ServicesFixture : IAsyncLifetime
{
    public DedicatedServices Services { get; } = new();

    public Task InitializeAsync() => Services.StartFirstAsync();

    public async Task DisposeAsync() => await Services.DisposeAsync();
}
