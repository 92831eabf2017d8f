using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Jimp.Functions.Platform.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Jimp.DevHost;

/// <summary>
/// Lets many tests share one DevHost and still each start from empty storage: the prefix of the test being served
/// replaces the configured <c>Storage:Prefix</c> for the work done on its behalf. A request carries it in the
/// <c>X-Jimp-Storage-Prefix</c> header; an orchestration keeps the prefix of the request that scheduled it, for every
/// activity it runs; code in the test's own process sets it with <see cref="Use"/>. It flows with the async call
/// (an <see cref="AsyncLocal{T}"/>), so hosts and tests running in parallel never see each other's prefix.
/// Only the DevHost has this, and only when <see cref="DevHostOptions.ScopedStoragePrefixes"/> is on.
/// </summary>
public sealed partial class ScopedStoragePrefix : IScopedStoragePrefix
{
    public const string Header = "X-Jimp-Storage-Prefix";

    private static readonly AsyncLocal<string?> Ambient = new();

    private readonly ConcurrentDictionary<string, string> byInstance = new(StringComparer.Ordinal);

    public string? Current => Ambient.Value;

    /// <summary>The prefix of the calling flow, if one was set (the same as <see cref="Current"/>, without an instance).</summary>
    public static string? CurrentPrefix => Ambient.Value;

    /// <summary>
    /// Serves the rest of the calling flow (this method's caller and what it awaits next) with <paramref name="prefix"/>.
    /// A plain method, not async, so that the value stays with the caller.
    /// </summary>
    public static void Use(string? prefix)
    {
        if (prefix is not null && !Valid().IsMatch(prefix))
        {
            throw new ArgumentException("A storage prefix is lowercase letters and digits, starting with a letter, at most 16 characters.", nameof(prefix));
        }
        Ambient.Value = prefix;
    }

    public static bool IsValid(string prefix) => Valid().IsMatch(prefix);

    /// <summary>Remembers the prefix an orchestration was scheduled under, for its activities.</summary>
    internal void Remember(string instanceId, string prefix) => byInstance[instanceId] = prefix;

    internal string? ForInstance(string instanceId) => byInstance.TryGetValue(instanceId, out var prefix) ? prefix : null;

    [GeneratedRegex("^[a-z][a-z0-9]{0,15}$")]
    private static partial Regex Valid();
}

/// <summary>The durable client with each scheduled orchestration remembered under the current storage prefix.</summary>
internal sealed class PrefixRememberingClient(DurableTaskClient inner, ScopedStoragePrefix prefixes) : ForwardingDurableTaskClient(inner, inner.Name)
{
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        if (prefixes.Current is { } prefix)
        {
            // Known before the engine can run a first activity.
            var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
            options = (options ?? new StartOrchestrationOptions()) with { InstanceId = instanceId };
            prefixes.Remember(instanceId, prefix);
        }
        return await Inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);
    }

    /// <summary>This wrapper made the inner client (the one it replaced in the container), so it disposes it.</summary>
    public override ValueTask DisposeAsync() => Inner.DisposeAsync();
}

internal static class ScopedStoragePrefixRegistration
{
    /// <summary>The scoped prefix, the header middleware's dependency, and the durable client that carries it to activities.</summary>
    public static void AddScopedStoragePrefixes(this IServiceCollection services)
    {
        services.AddSingleton<ScopedStoragePrefix>();
        services.AddSingleton<IScopedStoragePrefix>(sp => sp.GetRequiredService<ScopedStoragePrefix>());
        var original = services.LastOrDefault(d => d.ServiceType == typeof(DurableTaskClient))
            ?? throw new InvalidOperationException("The durable client must be registered before the scoped prefixes.");
        services.Remove(original);
        services.AddSingleton<DurableTaskClient>(sp => new PrefixRememberingClient(Create(original, sp), sp.GetRequiredService<ScopedStoragePrefix>()));
    }

    private static DurableTaskClient Create(ServiceDescriptor descriptor, IServiceProvider sp) =>
        (DurableTaskClient)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
}
