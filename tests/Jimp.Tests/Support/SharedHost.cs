namespace Jimp.Tests.Support;

/// <summary>
/// One DevHost for the tests of a class (<c>IClassFixture&lt;SharedHost&gt;</c>) or of a collection
/// (<see cref="SharedHostCollection"/>). Each test takes its own view with <see cref="ForTest"/>: a fresh storage
/// prefix, clock and logs, so tests stay isolated while the host starts once. A fixture needing settings or
/// services of its own derives from this class and overrides <see cref="Configure"/>.
/// </summary>
public class SharedHost : IAsyncLifetime
{
    private JimpTestHost? host;

    /// <summary>The host itself (its own prefix and clock); tests use <see cref="ForTest"/>.</summary>
    public JimpTestHost Host => host ?? throw new InvalidOperationException("The shared host has not started.");

    /// <summary>A view of the host for one test: call it once per test (in the test class's constructor).</summary>
    public JimpTestHost ForTest() => Host.ForTest();

    /// <summary>Settings and services of this fixture's host (none by default).</summary>
    protected virtual void Configure(JimpTestHostOptions options)
    {
    }

    public async Task InitializeAsync() => host = await JimpTestHost.StartAsync(Configure);

    public async Task DisposeAsync()
    {
        if (host is not null) await host.DisposeAsync();
    }
}

/// <summary>
/// One host for several small test classes: mark each with <c>[Collection(SharedHostCollection.Name)]</c> and take
/// <see cref="SharedHost"/> in the constructor. The classes of a collection run one after another, so use it for
/// classes that are short; a class of its own (<c>IClassFixture</c>) runs in parallel with the others.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedHostCollection : ICollectionFixture<SharedHost>
{
    public const string Name = "Shared DevHost";
}
