using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Insights;

public static class InsightsRegistration
{
    /// <summary>The weekly aggregate insights and the owner's read of them.</summary>
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddOptions<InsightsOptions>().BindConfiguration(InsightsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<InsightsStore>();
        services.TryAddSingleton<QuestionIndex>();
        services.AddSingleton<Coaching.IQuestionObserver>(sp => sp.GetRequiredService<QuestionIndex>());
        services.AddSingleton<Privacy.IPersonalDataStore>(sp => sp.GetRequiredService<QuestionIndex>());
        services.AddSingleton<Privacy.IInsightsSource>(sp => sp.GetRequiredService<QuestionIndex>());
        services.AddNonPersonalStore(InsightsStore.Table, "Aggregate counts only; groups under 10 suppressed; no ids, no free text.");
        services.TryAddSingleton<InsightsService>();
        return services;
    }
}
