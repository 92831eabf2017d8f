using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

/// <summary>Each feature registers its own services, in its own folder (#18 item 3).</summary>
public sealed class RegistrationTests
{
    private static List<string> FeatureNamespacesOf(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        return services
            // What is registered: the implementation (a shared contract such as IPersonalDataStore may be another
            // feature's interface), else the service type; options by their type argument.
            .Select(d => d.ImplementationType ?? (d.ServiceType.IsGenericType ? d.ServiceType.GetGenericArguments()[0] : d.ServiceType))
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith("Jimp.Functions.", StringComparison.Ordinal) && !n.StartsWith("Jimp.Functions.Platform", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void AddAccounts_registers_only_the_accounts_feature()
    {
        Assert.Equal(["Jimp.Functions.Accounts"], FeatureNamespacesOf(s => s.AddAccounts()));
    }

    [Fact]
    public void AddRetention_registers_only_retention()
    {
        Assert.Equal(["Jimp.Functions.Retention"], FeatureNamespacesOf(s => s.AddRetention()));
    }

    [Fact]
    public void AddPrivacyRights_registers_only_privacy()
    {
        Assert.Equal(["Jimp.Functions.Privacy"], FeatureNamespacesOf(s => s.AddPrivacyRights()));
    }
}
