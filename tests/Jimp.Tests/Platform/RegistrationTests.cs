using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Mailings;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Functions.Trends;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

/// <summary>Each feature registers its own services, in its own folder (#18 item 3).</summary>
public sealed class RegistrationTests
{
    private static readonly Type[] SharedContracts = [typeof(IPersonalDataStore), typeof(NonPersonalStore), typeof(IMailingKind)];

    private static List<string> FeatureNamespacesOf(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        return services
            // A shared contract registered by a factory (a store declared to Privacy's registry, a non-personal
            // declaration, a kind of Mailings' bulk mailing) is another feature's type, but what the factory returns
            // is the registering feature's own.
            .Where(d => d.ImplementationType is not null || !SharedContracts.Contains(d.ServiceType))
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

    [Fact]
    public void AddMailings_registers_only_mailings_and_each_kind_is_its_features()
    {
        Assert.Equal(["Jimp.Functions.Mailings"], FeatureNamespacesOf(s => s.AddMailings()));
        // The policy and CGU announcements are Privacy's kinds of mailing, the inactivity warning Retention's.
        var services = new ServiceCollection();
        services.AddPrivacyRights();
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IMailingKind)));
    }

    /// <summary>The stores a feature's registration alone declares to the personal-data registry.</summary>
    private static (List<string> Personal, List<string> NonPersonal) DeclaredBy(Action<IServiceCollection> register)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["KeyedHash:Key"] = Convert.ToBase64String(new byte[32]),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddJimpStorage();
        services.AddKeyedHash();
        register(services);
        using var provider = services.BuildServiceProvider();
        return (provider.GetServices<IPersonalDataStore>().Select(s => s.Name).ToList(), provider.GetServices<NonPersonalStore>().Select(s => s.Name).ToList());
    }

    [Fact]
    public void Each_feature_declares_its_own_stores_to_the_registry()
    {
        // Privacy declares only its own tables: the registry is assembled from every feature, not a list of all.
        var privacy = DeclaredBy(s => s.AddPrivacyRights());
        Assert.Equal([ConsentLedger.Table, RequestTracker.Table, RequestTracker.LogTable, ExportRecords.Table, ExportArchiveStore.Container], privacy.Personal);
        Assert.Equal([ErasureOrchestration.TombstoneTable, ErasureOrchestration.PurgeQueueTable, PolicyAnnouncements.Table], privacy.NonPersonal);

        var accounts = DeclaredBy(s => s.AddAccounts());
        Assert.Equal([AccountStore.UsersTable, SessionStore.Table, SecurityLog.Family + "log{yyyyMM}", SignInTokens.Table, AccountStore.EmailIndexTable, SignInMonths.Table, RateLimits.Table, MinorBlocklist.Table], accounts.Personal);
        Assert.Equal([AccountStore.KeyStateTable], accounts.NonPersonal);

        Assert.Equal([ProfileStore.Table, ConversationStore.Table], DeclaredBy(s => s.AddCoaching()).Personal);
        Assert.Equal([TrendStore.TableName], DeclaredBy(s => s.AddTrends()).NonPersonal);

        var mailings = DeclaredBy(s => s.AddMailings());
        Assert.Equal([Jimp.Functions.Mailings.MailingStore.SentTable], mailings.Personal);
        Assert.Equal([Jimp.Functions.Mailings.MailingStore.Table], mailings.NonPersonal);
    }

    [Fact]
    public void The_registry_is_every_features_declarations_together()
    {
        var all = DeclaredBy(s => s.AddJimp(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["KeyedHash:Key"] = Convert.ToBase64String(new byte[32]),
        }).Build()));
        Assert.Equal(all.Personal.Count, all.Personal.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(AccountStore.UsersTable, all.Personal);
        Assert.Contains(ConversationStore.Table, all.Personal);
        Assert.Contains(Jimp.Functions.Workspace.WorkspaceStore.ProductsTable, all.Personal);
        Assert.Contains(Jimp.Functions.Operators.BreachRegister.Table, all.NonPersonal);
        Assert.Contains(Jimp.Functions.Insights.InsightsStore.Table, all.NonPersonal);
    }
}
