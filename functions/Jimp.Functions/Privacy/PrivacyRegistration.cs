using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Privacy;

public static class PrivacyRegistration
{
    /// <summary>The user's rights (consent, restriction, objection, requests) and the owner's side of them.</summary>
    public static IServiceCollection AddPrivacyRights(this IServiceCollection services)
    {
        services.TryAddSingleton(PolicyDocuments.Embedded);
        services.AddSingleton<PolicyCalendar>();
        services.AddSingleton<ErasureEmails>();
        services.TryAddSingleton(TermsDocuments.Embedded);
        services.AddSingleton<TermsOfUse>();
        services.AddSingleton<TermsAnnouncements>();
        services.AddSingleton<Mailings.IMailingKind>(sp => sp.GetRequiredService<TermsAnnouncements>());
        services.AddSingleton<RequestTracker>();
        services.AddSingleton<ErasureRecovery>();
        services.AddSingleton<ExportRecords>();
        services.TryAddSingleton<IActivityFaults, NoFaults>();
        // The registry and Privacy's own stores; every feature declares its stores in its own registration.
        services.AddPersonalDataRegistry();
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<MarketingMailer>();
        services.AddSingleton<RightsService>();
        services.AddSingleton<PolicyAnnouncements>();
        services.AddSingleton<Mailings.IMailingKind>(sp => sp.GetRequiredService<PolicyAnnouncements>());
        services.AddSingleton<OperatorService>();
        return services;
    }
}
