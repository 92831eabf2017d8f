using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Workspace;

public static class WorkspaceRegistration
{
    private const string Contract = "Contract (Art. 6(1)(b))";
    private const string AccountRetention = "Until the user deletes them or the account, or 24 months without sign-in.";
    private const string AccountRetentionFr = "Jusqu'à ce que vous les supprimiez, ou supprimiez le compte, ou après 24 mois sans connexion.";

    /// <summary>The creator's workspace, and its three stores of personal data in the registry (exported, erased with the account).</summary>
    public static IServiceCollection AddWorkspace(this IServiceCollection services)
    {
        services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<WorkspaceStore>();
        services.TryAddSingleton<WorkspaceService>();
        services.TryAddSingleton<WorkspaceGrounding>();
        services.TryAddSingleton<Coaching.ICreatorDataProvider>(sp => sp.GetRequiredService<WorkspaceGrounding>());
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), WorkspaceStore.ProductsTable,
            ("Mes produits", "My products"), "Let creators keep the products they promote or consider, and compute what a sale earns.", Contract, AccountRetention,
            new("Garder les produits que vous promouvez ou envisagez, et calculer ce que rapporte une vente.", PersonalDataTexts.ContractFr, AccountRetentionFr)));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), WorkspaceStore.VideosTable,
            ("Mes vidéos et leurs résultats", "My videos and their results"), "Analyse the creator's own video results and ground the coach in them.", Contract, AccountRetention,
            new("Analyser les résultats de vos vidéos et en nourrir le coach.", PersonalDataTexts.ContractFr, AccountRetentionFr)));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), WorkspaceStore.PlansTable,
            ("Plans de la semaine", "Weekly plans"), "Propose a week of videos and let the creator tick them off.", Contract, AccountRetention,
            new("Proposer une semaine de vidéos et vous laisser les cocher.", PersonalDataTexts.ContractFr, AccountRetentionFr)));
        return services;
    }
}
