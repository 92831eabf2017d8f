using System.Text.RegularExpressions;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

[Collection(SharedHostCollection.Name)]
public sealed partial class RegistryCompletenessTests(SharedHost shared)
{
    /// <summary>
    /// Every table and container the test suite has created in storage (each test host has its own prefix
    /// <c>t</c> + 11 hex characters) must be a store of the registry or declared non-personal, so export and
    /// erasure cannot forget a new one. This test also exercises every feature itself before it looks.
    /// </summary>
    [Fact]
    public async Task Every_table_and_container_in_storage_is_in_the_registry_or_declared_non_personal()
    {
        await using var host = shared.ForTest();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        using (await user.Client.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) { }
        await host.RunTimerAsync("RunHousekeeping");

        var registry = host.Services.GetRequiredService<PersonalDataRegistry>();
        var declared = registry.Stores.Select(s => s.Name).Concat(registry.NonPersonal.Keys).Concat(TestOnlyTables).ToHashSet(StringComparer.Ordinal);

        var found = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var table in host.Storage.TableService.QueryAsync())
        {
            if (TestPrefixed().Match(table.Name) is { Success: true } m) found.Add(MonthlyFamily().Replace(m.Groups["name"].Value, "log{yyyyMM}"));
        }
        await foreach (var container in host.Storage.BlobService.GetBlobContainersAsync())
        {
            if (TestPrefixed().Match(container.Name) is { Success: true } m) found.Add(m.Groups["name"].Value);
        }

        Assert.Contains("conversations", found);
        Assert.Contains(ExportArchiveStore.Container, found);
        var undeclared = found.Where(n => !declared.Contains(n)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undeclared.Count == 0, "Stores neither in the personal-data registry nor declared non-personal: " + string.Join(", ", undeclared));
    }

    /// <summary>Tables that only tests create, to probe the platform (never the app).</summary>
    private static readonly string[] TestOnlyTables = ["guards"];

    [GeneratedRegex("^t[0-9a-f]{11}(?<name>[a-z0-9-]+)$")]
    private static partial Regex TestPrefixed();

    [GeneratedRegex("log[0-9]{6}$")]
    private static partial Regex MonthlyFamily();
}
