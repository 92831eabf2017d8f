using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Identity;
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
/// Builds the <see cref="IChatClient"/> chosen by <c>Model:Provider</c>. The SDK's own retries are off (the
/// coach's retry loop is the only one, so attempts are countable), HTTP goes through <c>IHttpClientFactory</c>,
/// and Azure calls carry <c>store=false</c>. Azure goes through <c>AsIChatClient()</c>: typed
/// <c>AzureOpenAIClient</c> chat calls break with the OpenAI 2.14 package this graph resolves.
/// </summary>
public static class ModelClients
{
    /// <summary>The named <see cref="HttpClient"/> the model SDKs send through.</summary>
    public const string HttpClientName = "jimp-model";

    public static CoachModel Create(ModelOptions model, CoachChatOptions chat, HttpClient http)
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
                var options = new AzureOpenAIClientOptions
                {
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    Transport = transport,
                    NetworkTimeout = networkTimeout,
                };
                var client = string.IsNullOrEmpty(model.ApiKey)
                    ? new AzureOpenAIClient(model.Endpoint!, new DefaultAzureCredential(), options)
                    : new AzureOpenAIClient(model.Endpoint!, new ApiKeyCredential(model.ApiKey), options);
                var requestOptions = new ChatOptions
                {
                    MaxOutputTokens = chat.MaxOutputTokens,
                    // store=false: Azure OpenAI must not keep completions (the privacy policy promises it on every call).
                    RawRepresentationFactory = _ => new ChatCompletionOptions { StoredOutputEnabled = false },
                };
                return new CoachModel(ModelOptions.AzureOpenAI, client.GetChatClient(model.Deployment!).AsIChatClient(), requestOptions);
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
                return new CoachModel(ModelOptions.OpenAICompatible, client.GetChatClient(model.Name!).AsIChatClient(), requestOptions);
            }
            default:
                return CoachModel.Offline;
        }
    }
}
