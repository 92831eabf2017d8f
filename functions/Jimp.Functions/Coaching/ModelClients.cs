using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.Core;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Jimp.Functions.Coaching;

/// <summary>The model the coach talks to: an <see cref="IChatClient"/>, or none for the offline coach.</summary>
public sealed class CoachModel(string mode, IChatClient? client, ChatOptions? requestOptions = null)
{
    /// <summary><c>offline</c>, <c>azure-openai</c> or <c>openai-compatible</c> (<see cref="ModelOptions"/>).</summary>
    public string Mode { get; } = mode;

    public IChatClient? Client { get; } = client;

    public bool IsOffline => Client is null;

    /// <summary>Options for every call (max output tokens, <c>store=false</c> on Azure); cloned per call.</summary>
    public ChatOptions RequestOptions { get; } = requestOptions ?? new ChatOptions();

    public static CoachModel Offline { get; } = new(ModelOptions.Offline, null);
}

/// <summary>
/// Builds the <see cref="IChatClient"/> chosen by <c>Model:Provider</c>, as the Azure SDK team recommends for
/// Microsoft.Extensions.AI today: the OpenAI package's own <see cref="OpenAIClient"/> pointed at the Azure resource's
/// <c>/openai/v1</c> endpoint, authenticated by a <see cref="BearerTokenPolicy"/> over the app's one shared
/// <see cref="TokenCredential"/> (no Azure.AI.OpenAI, whose builds lag the OpenAI package and break at run time).
/// The SDK's own retries are off (the coach's retry loop is the only one, so attempts are countable), HTTP goes
/// through <c>IHttpClientFactory</c>, Azure calls carry <c>store=false</c>, and the chat client is wrapped with
/// <c>UseOpenTelemetry</c> (spans and token metrics under <see cref="Platform.Telemetry.ModelSourceName"/>, no message text).
/// </summary>
public static class ModelClients
{
    /// <summary>The named <see cref="HttpClient"/> the model SDKs send through.</summary>
    public const string HttpClientName = "jimp-model";

    /// <summary>The Entra ID scope of Azure OpenAI (Cognitive Services) data-plane calls.</summary>
    public const string AzureOpenAIScope = "https://cognitiveservices.azure.com/.default";

    public static CoachModel Create(ModelOptions model, CoachChatOptions chat, HttpClient http, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(chat);
        if (!model.IsValid(out var problem))
        {
            throw new InvalidOperationException(problem);
        }
        var transport = new HttpClientPipelineTransport(http);
        // The SDK's own per-try timeout is a backstop behind the coach's first-token and idle timeouts.
        var networkTimeout = TimeSpan.FromSeconds(Math.Max(chat.FirstTokenTimeoutSeconds, chat.StreamIdleTimeoutSeconds) + 5);
        switch (model.Provider)
        {
            case ModelOptions.AzureOpenAI:
            {
                var options = new OpenAIClientOptions
                {
                    Endpoint = AzureV1Endpoint(model.Endpoint!),
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    Transport = transport,
                    NetworkTimeout = networkTimeout,
                };
                // A key only where one is configured (a developer's own resource); in Azure, keys are disabled and the
                // managed identity's token is sent instead.
                AuthenticationPolicy authentication = string.IsNullOrEmpty(model.ApiKey)
                    ? new BearerTokenPolicy(credential ?? throw new InvalidOperationException("azure-openai without Model:ApiKey needs a TokenCredential."), AzureOpenAIScope)
                    : ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(model.ApiKey), "api-key");
                // OPENAI001: the AuthenticationPolicy constructor is marked experimental in OpenAI 2.14, yet it is the
                // documented way to send Entra ID tokens (BearerTokenPolicy) to Azure OpenAI's v1 endpoint.
#pragma warning disable OPENAI001
                var client = new OpenAIClient(authentication, options);
#pragma warning restore OPENAI001
                var requestOptions = new ChatOptions
                {
                    MaxOutputTokens = chat.MaxOutputTokens,
                    // store=false: Azure OpenAI must not keep completions (the privacy policy promises it on every call).
                    RawRepresentationFactory = _ => new ChatCompletionOptions { StoredOutputEnabled = false },
                };
                // On the v1 endpoint the "model" of a request is the deployment's name.
                return new CoachModel(ModelOptions.AzureOpenAI, Instrument(client.GetChatClient(model.Deployment!).AsIChatClient()), requestOptions);
            }
            case ModelOptions.OpenAICompatible:
            {
                var options = new OpenAIClientOptions
                {
                    Endpoint = model.Endpoint,
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    Transport = transport,
                    NetworkTimeout = networkTimeout,
                };
                // Local servers (e.g. Ollama) accept any key; the SDK needs a non-empty one.
                var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(model.ApiKey) ? "none" : model.ApiKey), options);
                var requestOptions = new ChatOptions { MaxOutputTokens = chat.MaxOutputTokens };
                return new CoachModel(ModelOptions.OpenAICompatible, Instrument(client.GetChatClient(model.Name!).AsIChatClient()), requestOptions);
            }
            default:
                return CoachModel.Offline;
        }
    }

    /// <summary><c>https://&lt;resource&gt;.openai.azure.com/</c> (what Bicep outputs) becomes <c>…/openai/v1</c>; a URL already ending so is kept.</summary>
    public static Uri AzureV1Endpoint(Uri resourceEndpoint)
    {
        ArgumentNullException.ThrowIfNull(resourceEndpoint);
        var text = resourceEndpoint.ToString().TrimEnd('/');
        return text.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) ? new Uri(text) : new Uri(text + "/openai/v1");
    }

    // Spans (gen_ai.* attributes: model, token counts, finish reason) and token-usage metrics. Message contents stay
    // out of telemetry: EnableSensitiveData is false.
    private static IChatClient Instrument(IChatClient client) =>
        client.AsBuilder().UseOpenTelemetry(sourceName: Platform.Telemetry.ModelSourceName, configure: o => o.EnableSensitiveData = false).Build();
}
