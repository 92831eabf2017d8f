using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Support;

/// <summary>What the fake model does with one request.</summary>
public enum FakeBehaviour
{
    Answer,
    RateLimited,
    ContentFilterRejected,
    StreamContentFiltered,
    DropMidStream,
    ServerError,
}

/// <summary>One scripted reply of <see cref="FakeOpenAIServer"/>.</summary>
public sealed record FakeReply(FakeBehaviour Behaviour)
{
    public IReadOnlyList<string> Chunks { get; init; } = ["Bonjour", " !"];

    public TimeSpan FirstChunkDelay { get; init; }

    public TimeSpan ChunkDelay { get; init; }

    public int? RetryAfterMs { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public static FakeReply Answer(params string[] chunks) => new(FakeBehaviour.Answer) { Chunks = chunks };

    public static FakeReply RateLimited(int? retryAfterMs = null, int? retryAfterSeconds = null) =>
        new(FakeBehaviour.RateLimited) { RetryAfterMs = retryAfterMs, RetryAfterSeconds = retryAfterSeconds };

    public static FakeReply ContentFilterRejected() => new(FakeBehaviour.ContentFilterRejected);

    public static FakeReply StreamContentFiltered(params string[] chunksBefore) => new(FakeBehaviour.StreamContentFiltered) { Chunks = chunksBefore };

    public static FakeReply DropMidStream(params string[] chunksBefore) => new(FakeBehaviour.DropMidStream) { Chunks = chunksBefore };

    public static FakeReply ServerError() => new(FakeBehaviour.ServerError);
}

/// <summary>A request the fake received, body as sent.</summary>
public sealed record RecordedRequest(string Path, string? ApiKey, string? Authorization, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A local stand-in for Azure OpenAI and OpenAI-compatible servers, speaking their wire format on a real Kestrel
/// socket: Azure OpenAI's v1 endpoint <c>POST /openai/v1/chat/completions</c> (the deployment name in <c>model</c>;
/// header <c>api-key</c>, or <c>Authorization: Bearer</c> with an Entra ID token, <see cref="AccessToken"/>) and
/// <c>POST /v1/chat/completions</c> (<c>Authorization: Bearer</c>), JSON or SSE <c>chat.completion.chunk</c>
/// events ending with <c>data: [DONE]</c>. Each request takes the next scripted <see cref="FakeReply"/> (or
/// <see cref="Default"/>) and is recorded.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    public const string ApiKey = "fake-key";

    /// <summary>The Entra ID access token the Azure route accepts as <c>Authorization: Bearer</c>.</summary>
    public const string AccessToken = "fake-entra-token";
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeReply> script = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    private FakeOpenAIServer(WebApplication app) => this.app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>The base URL for an OpenAI-compatible client (the SDK appends <c>/chat/completions</c>).</summary>
    public Uri OpenAIEndpoint => new(Address, "/v1");

    public IReadOnlyList<RecordedRequest> Requests => requests.ToArray();

    public FakeReply Default { get; set; } = FakeReply.Answer("Bonjour", " de la part", " du modèle.");

    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            script.Enqueue(reply);
        }
    }

    /// <summary>The self-signed certificate the server presents when started with <c>https: true</c>.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; private set; }

    /// <summary>
    /// <paramref name="https"/>: serve TLS with a fresh self-signed certificate for 127.0.0.1 (Entra ID bearer tokens
    /// are only ever sent over TLS; clients must trust <see cref="Certificate"/>).
    /// </summary>
    public static async Task<FakeOpenAIServer> StartAsync(bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        if (https)
        {
            certificate = SelfSignedLoopbackCertificate();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/openai/v1/chat/completions", (HttpContext context) => server.HandleAsync(context, azure: true));
        app.MapPost("/v1/chat/completions", (HttpContext context) => server.HandleAsync(context, azure: false));
        server.Certificate = certificate;
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Re-imported so Kestrel gets a certificate whose private key it can use on every platform.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    private async Task HandleAsync(HttpContext context, bool azure)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var apiKey = context.Request.Headers["api-key"].FirstOrDefault();
        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        requests.Enqueue(new RecordedRequest(context.Request.Path + context.Request.QueryString, apiKey, authorization, body));
        var authorized = azure ? apiKey == ApiKey || authorization == "Bearer " + AccessToken : authorization == "Bearer " + ApiKey;
        if (!authorized)
        {
            await WriteErrorAsync(context, HttpStatusCode.Unauthorized, "401", "Access denied due to invalid subscription key.");
            return;
        }
        var json = JsonNode.Parse(body)!;
        var stream = json["stream"]?.GetValue<bool>() == true;
        var includeUsage = json["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        var model = json["model"]?.GetValue<string>() ?? "gpt-4o";
        var reply = script.TryDequeue(out var next) ? next : Default;

        switch (reply.Behaviour)
        {
            case FakeBehaviour.RateLimited:
                if (reply.RetryAfterMs is { } ms) context.Response.Headers["retry-after-ms"] = ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (reply.RetryAfterSeconds is { } s) context.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, HttpStatusCode.TooManyRequests, "429", "Requests have exceeded the token rate limit of your current pricing tier. Please retry later.");
                return;
            case FakeBehaviour.ServerError:
                await WriteErrorAsync(context, HttpStatusCode.InternalServerError, "server_error", "The server had an error while processing your request.");
                return;
            case FakeBehaviour.ContentFilterRejected:
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(new
                {
                    error = new
                    {
                        message = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                        type = (string?)null,
                        param = "prompt",
                        code = "content_filter",
                        status = 400,
                        innererror = new
                        {
                            code = "ResponsibleAIPolicyViolation",
                            content_filter_result = new
                            {
                                hate = new { filtered = false, severity = "safe" },
                                self_harm = new { filtered = false, severity = "safe" },
                                sexual = new { filtered = false, severity = "safe" },
                                violence = new { filtered = true, severity = "high" },
                            },
                        },
                    },
                });
                return;
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12];
        var promptTokens = Math.Max(1, body.Length / 4);
        var completionTokens = reply.Chunks.Count * 2;
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id,
                @object = "chat.completion",
                created = 1_764_320_000,
                model,
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        message = new { role = "assistant", content = string.Concat(reply.Chunks) },
                        finish_reason = reply.Behaviour == FakeBehaviour.StreamContentFiltered ? "content_filter" : "stop",
                    },
                },
                usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (reply.FirstChunkDelay > TimeSpan.Zero)
        {
            await Task.Delay(reply.FirstChunkDelay, context.RequestAborted);
        }
        await WriteEventAsync(context, Chunk(id, model, new { role = "assistant", content = "" }, null));
        foreach (var chunk in reply.Chunks)
        {
            if (reply.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.ChunkDelay, context.RequestAborted);
            }
            await WriteEventAsync(context, Chunk(id, model, new { content = chunk }, null));
        }
        if (reply.Behaviour == FakeBehaviour.DropMidStream)
        {
            await Task.Delay(200, context.RequestAborted); // let the client read what was sent, then cut the connection
            context.Abort();
            return;
        }
        var finish = reply.Behaviour == FakeBehaviour.StreamContentFiltered ? "content_filter" : "stop";
        await WriteEventAsync(context, Chunk(id, model, new { }, finish));
        if (includeUsage)
        {
            await WriteEventAsync(context, new
            {
                id,
                @object = "chat.completion.chunk",
                created = 1_764_320_000,
                model,
                choices = Array.Empty<object>(),
                usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
            });
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static object Chunk(string id, string model, object delta, string? finishReason) => new
    {
        id,
        @object = "chat.completion.chunk",
        created = 1_764_320_000,
        model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };

    private static async Task WriteEventAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext context, HttpStatusCode status, string code, string message)
    {
        context.Response.StatusCode = (int)status;
        await context.Response.WriteAsJsonAsync(new { error = new { code, message } });
    }

    public async ValueTask DisposeAsync()
    {
        using var quickly = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)); // don't wait for abandoned slow streams
        await app.StopAsync(quickly.Token);
        await app.DisposeAsync();
    }
}
