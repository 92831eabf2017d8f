using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Privacy;

public static class PrivacyRegistration
{
    /// <summary>The user's rights (consent, restriction, objection, requests) and the owner's side of them.</summary>
    public static IServiceCollection AddPrivacyRights(this IServiceCollection services)
    {
        services.AddSingleton<ConsentLedger>();
        services.AddSingleton<MarketingMailer>();
        services.AddSingleton<RightsService>();
        services.AddSingleton<PolicyAnnouncements>();
        services.AddSingleton<OperatorService>();
        return services;
    }
}
