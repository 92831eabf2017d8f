using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Coaching;

public static class CoachingRegistration
{
    /// <summary>
    /// The coaching engine: knowledge base, offline coach, tokenizer, prompt builder, the model chosen by
    /// <c>Model:Provider</c>, <see cref="CoachService"/>, and a
    /// <see cref="NoTrends"/> reader unless the Trends feature registers its own <see cref="ITrendReader"/>.
    /// </summary>
    public static IServiceCollection AddCoaching(this IServiceCollection services)
    {
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid(out _), "Model settings are incomplete: Model:Endpoint is required for azure-openai and openai-compatible, and Model:Deployment for azure-openai.")
            .ValidateOnStart();
        services.AddOptions<CoachChatOptions>().BindConfiguration(CoachChatOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid(out _), "Chat:PromptTokenBudget must be at least SummaryTokenBudget + MaxMessageTokens + GroundingTokenBudget + 1500.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => KnowledgeBase.LoadEmbedded());
        services.TryAddSingleton<OfflineCoach>();
        services.TryAddSingleton<TokenCounter>();
        services.TryAddSingleton<PromptBuilder>();
        services.TryAddSingleton<ITrendReader, NoTrends>();
        // No resilience handler: the coach's own 429 loop is the only retry, and its timeouts are per chunk.
        // The model client holds its HttpClient for the app's lifetime, so connections are recycled for DNS changes.
        services.AddHttpClient(ModelClients.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton(sp => ModelClients.Create(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value,
            sp.GetRequiredService<IOptions<CoachChatOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelClients.HttpClientName),
            sp.GetService<Azure.Core.TokenCredential>()));
        services.TryAddSingleton<CoachService>();
        services.TryAddSingleton<ProfileStore>();
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<ICreatorDataCache>(sp => sp.GetRequiredService<ConversationStore>());
        services.TryAddSingleton<ModelTokenBudget>();
        services.TryAddSingleton<UnansweredQuestions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Accounts.ISessionPrefetch, ConversationStatePrefetch>());
        services.TryAddSingleton<ChatService>();
        services.AddCoachingPersonalData();
        Privacy.PersonalDataDeclarations.AddNonPersonalStore(services, ModelTokenBudget.Table,
            "The deployment's model tokens per minute: a few counter rows (minute, tokens), no user id.");
        return services;
    }
}
