using System.Diagnostics;
using Jimp.Functions.Coaching;
using TrendKinds = Jimp.Functions.Trends.TrendKinds;
using Jimp.Tests.Support;

namespace Jimp.Tests.Coaching;

/// <summary>The coach against a real-socket fake of Azure OpenAI / OpenAI-compatible servers.</summary>
[Collection(ModelSpans.Collection)]
public sealed class ModelClientTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private FakeOpenAIServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static CoachRequest Request(string text = "Comment trouver un bon produit ?", string language = "fr") =>
        new("user-1", CoachHarness.Profile(language), [], text);

    [Fact]
    public async Task Azure_stream_is_assembled_in_order_and_tokens_are_reported()
    {
        server.Enqueue(FakeReply.Answer("Choisis ", "un produit ", "qui se montre ", "en 3 secondes.") with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var (text, final, updates) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.Equal("Choisis un produit qui se montre en 3 secondes.", text);
        Assert.Equal(4, updates.OfType<CoachTextDelta>().Count());
        Assert.Equal(ModelOptions.AzureOpenAI, final.Mode);
        Assert.Equal(CoachOutcomes.Completed, final.Outcome);
        Assert.False(final.FellBack);
        Assert.True(final.PromptTokens > 0);
        Assert.True(final.CompletionTokens > 0);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-eu", request.Json["model"]!.GetValue<string>()); // the deployment name, on the v1 endpoint
        Assert.Equal(FakeOpenAIServer.ApiKey, request.ApiKey);
    }

    [Fact]
    public async Task Azure_without_a_key_sends_the_shared_credentials_token_for_the_cognitive_services_scope()
    {
        // Bearer tokens only travel over TLS (the SDK refuses http://), so this fake serves HTTPS.
        await using var tls = await FakeOpenAIServer.StartAsync(https: true);
        var credential = new RecordingCredential(FakeOpenAIServer.AccessToken);
        var settings = CoachHarness.Azure(tls);
        settings.Remove("Model:ApiKey");
        using var harness = new CoachHarness(settings, credential: credential, trustedServerCertificate: tls.Certificate);
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());
        foreach (var line in harness.Logs.Lines) output.WriteLine(line);

        Assert.Equal(CoachOutcomes.Completed, final.Outcome);
        Assert.Equal("Bonjour de la part du modèle.", text);
        var request = Assert.Single(tls.Requests);
        Assert.StartsWith("https://", tls.Address.ToString(), StringComparison.Ordinal);
        Assert.Equal("Bearer " + FakeOpenAIServer.AccessToken, request.Authorization);
        Assert.Null(request.ApiKey);
        Assert.Equal([ModelClients.AzureOpenAIScope], credential.Scopes.Distinct());
    }

    [Fact]
    public void Azure_resource_endpoint_becomes_the_v1_endpoint()
    {
        Assert.Equal("https://oai-jimp.openai.azure.com/openai/v1", ModelClients.AzureV1Endpoint(new Uri("https://oai-jimp.openai.azure.com/")).ToString());
        Assert.Equal("https://oai-jimp.openai.azure.com/openai/v1", ModelClients.AzureV1Endpoint(new Uri("https://oai-jimp.openai.azure.com/openai/v1/")).ToString());
    }

    [Fact]
    public async Task Model_calls_produce_gen_ai_spans_without_message_text()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Jimp.Functions.Platform.Telemetry.ModelSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        const string secret = "texte-secret-du-message";
        // The listener hears every test running at the same time: only this call's trace counts.
        using var root = new Activity(nameof(Model_calls_produce_gen_ai_spans_without_message_text)).Start();
        await CoachHarness.RunAsync(harness.Coach, Request(secret));

        var span = Assert.Single(spans, s => s.TraceId == root.TraceId && s.Tags.Any(t => t.Key == "gen_ai.request.model" && t.Value == "gpt-4o-eu"));
        Assert.Contains(span.Tags, t => t.Key == "gen_ai.operation.name" && t.Value == "chat");
        Assert.DoesNotContain(span.Tags, t => t.Value?.Contains(secret, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(span.Events.SelectMany(e => e.Tags), t => t.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);
    }

    private sealed class RecordingCredential(string token) : Azure.Core.TokenCredential
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Scopes { get; } = new();

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes) Scopes.Enqueue(scope);
            return new Azure.Core.AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [Fact]
    public async Task Azure_requests_carry_store_false_and_1024_max_output_tokens()
    {
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        await CoachHarness.RunAsync(harness.Coach, Request());

        var body = Assert.Single(server.Requests).Body;
        output.WriteLine(body);
        Assert.Contains("\"store\":false", body, StringComparison.Ordinal);
        var json = Assert.Single(server.Requests).Json;
        var maxTokens = json["max_completion_tokens"] ?? json["max_tokens"];
        Assert.Equal(1024, maxTokens!.GetValue<int>());
        Assert.True(json["stream"]!.GetValue<bool>());
        var messages = json["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal("user", messages[^1]!["role"]!.GetValue<string>());
        Assert.Equal("Comment trouver un bon produit ?", messages[^1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fake_server_also_answers_non_streaming_requests_in_the_wire_format()
    {
        server.Enqueue(FakeReply.Answer("Une ", "réponse ", "entière."));
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var model = harness.Get<CoachModel>();
        var response = await model.Client!.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "Bonjour")], model.RequestOptions.Clone());

        Assert.Equal("Une réponse entière.", response.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage?.OutputTokenCount > 0);
        var body = Assert.Single(server.Requests).Json;
        Assert.Null(body["stream"]);
        Assert.False(body["store"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Openai_compatible_provider_is_chosen_by_configuration()
    {
        server.Enqueue(FakeReply.Answer("Hello", " there."));
        using var harness = new CoachHarness(CoachHarness.OpenAICompatible(server));
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request("How often should I post?", "en"));

        Assert.Equal("Hello there.", text);
        Assert.Equal(ModelOptions.OpenAICompatible, final.Mode);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + FakeOpenAIServer.ApiKey, request.Authorization);
        Assert.Equal("llama3.1", request.Json["model"]!.GetValue<string>());
        output.WriteLine(request.Body);
        output.WriteLine($"prompt {final.PromptTokens}, completion {final.CompletionTokens}");
    }

    [Fact]
    public async Task Offline_provider_answers_without_calling_any_server()
    {
        using var harness = new CoachHarness(new() { ["Model:Provider"] = ModelOptions.Offline });
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.StartsWith("*Réponse automatique* —", text, StringComparison.Ordinal);
        Assert.Equal(ModelOptions.Offline, final.Mode);
        Assert.Equal(CoachOutcomes.Completed, final.Outcome);
        Assert.False(final.FellBack);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Rate_limit_twice_then_success_takes_three_attempts_honouring_retry_after_ms()
    {
        server.Enqueue(FakeReply.RateLimited(retryAfterMs: 200, retryAfterSeconds: 5), FakeReply.RateLimited(retryAfterMs: 200, retryAfterSeconds: 5), FakeReply.Answer("Enfin", " !"));
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var coach = harness.Coach;
        var started = Stopwatch.GetTimestamp();
        var (text, final, _) = await CoachHarness.RunAsync(coach, Request());
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal("Enfin !", text);
        Assert.Equal(CoachOutcomes.Completed, final.Outcome);
        Assert.Equal(3, server.Requests.Count);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(390), TimeSpan.FromSeconds(9)); // not 2 × 5 s: retry-after-ms wins over retry-after
        Assert.Equal(2, harness.Logs.Lines.Count(l => l.Contains("retrying in 200 ms", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Rate_limit_forever_stops_after_exactly_three_attempts_and_falls_back_offline()
    {
        server.Default = FakeReply.RateLimited(retryAfterMs: 100);
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(ModelOptions.Offline, final.Mode);
        Assert.Equal(CoachOutcomes.Fallback, final.Outcome);
        Assert.True(final.FellBack);
        Assert.StartsWith(CoachService.FallbackNoteFr, text, StringComparison.Ordinal);
        Assert.Contains("*Réponse automatique* —", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limit_waits_longer_than_the_retry_budget_fall_back_at_once()
    {
        server.Default = FakeReply.RateLimited(retryAfterSeconds: 60);
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var started = Stopwatch.GetTimestamp();
        var (_, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.Single(server.Requests);
        Assert.True(final.FellBack);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Content_filter_on_the_request_gives_a_friendly_message_and_logs_no_text()
    {
        server.Enqueue(FakeReply.ContentFilterRejected());
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        const string secret = "message-text-that-must-not-be-logged";
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request(secret));

        Assert.Equal(CoachService.ContentFilteredFr, text);
        Assert.Equal(CoachOutcomes.ContentFiltered, final.Outcome);
        Assert.False(final.FellBack);
        Assert.Single(server.Requests);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("content filter", StringComparison.Ordinal) && l.Contains("user-1", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal) || l.Contains("Azure OpenAI's content management", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Content_filter_at_the_end_of_a_stream_retracts_the_model_text()
    {
        server.Enqueue(FakeReply.StreamContentFiltered("Voici ", "un texte ", "bloqué"));
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var (text, final, updates) = await CoachHarness.RunAsync(harness.Coach, Request("How do I pick products?", "en"));

        Assert.Equal(CoachService.ContentFilteredEn, text);
        Assert.DoesNotContain("bloqué", final.Text, StringComparison.Ordinal);
        Assert.Single(updates.OfType<CoachReset>());
        Assert.Equal(CoachOutcomes.ContentFiltered, final.Outcome);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("content filter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dropped_stream_falls_back_to_the_offline_coach_with_a_note()
    {
        server.Enqueue(FakeReply.DropMidStream("Le début ", "d'une réponse "));
        using var harness = new CoachHarness(CoachHarness.Azure(server));
        var (text, final, updates) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.Single(updates.OfType<CoachReset>());
        Assert.StartsWith(CoachService.FallbackNoteFr, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Le début", text, StringComparison.Ordinal);
        Assert.Equal(CoachOutcomes.Fallback, final.Outcome);
        Assert.True(final.FellBack);
        Assert.NotEmpty(final.Sources);
        Assert.Single(server.Requests); // no retry for a dropped stream
    }

    [Fact]
    public async Task Slow_first_token_times_out_and_falls_back()
    {
        server.Enqueue(FakeReply.Answer("Trop ", "tard") with { FirstChunkDelay = TimeSpan.FromSeconds(5) });
        using var harness = new CoachHarness(CoachHarness.Azure(server, ("Chat:FirstTokenTimeoutSeconds", "0.5")));
        var started = Stopwatch.GetTimestamp();
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(4));
        Assert.Equal(CoachOutcomes.Fallback, final.Outcome);
        Assert.StartsWith(CoachService.FallbackNoteFr, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stalled_stream_times_out_and_falls_back()
    {
        server.Enqueue(FakeReply.Answer("Un ", "deux ", "trois") with { ChunkDelay = TimeSpan.FromSeconds(3) });
        using var harness = new CoachHarness(CoachHarness.Azure(server, ("Chat:StreamIdleTimeoutSeconds", "0.5"), ("Chat:FirstTokenTimeoutSeconds", "5")));
        var (_, final, _) = await CoachHarness.RunAsync(harness.Coach, Request());

        Assert.Equal(CoachOutcomes.Fallback, final.Outcome);
    }

    [Fact]
    public async Task Server_error_falls_back_without_retrying()
    {
        server.Enqueue(FakeReply.ServerError());
        using var harness = new CoachHarness(CoachHarness.OpenAICompatible(server));
        var (text, final, _) = await CoachHarness.RunAsync(harness.Coach, Request("What time should I post?", "en"));

        Assert.Single(server.Requests);
        Assert.True(final.FellBack);
        Assert.StartsWith(CoachService.FallbackNoteEn, text, StringComparison.Ordinal);
        Assert.Contains("*Automatic answer* —", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trends_snapshot_is_read_once_and_pinned_for_the_day()
    {
        var trends = new FixedTrends(new TrendItem(TrendKinds.Hashtags, "skincareroutine", 1, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), 1_200_000, "views"));
        using var harness = new CoachHarness(CoachHarness.Azure(server), trends);
        var first = await CoachHarness.RunAsync(harness.Coach, Request());
        var second = await CoachHarness.RunAsync(harness.Coach, Request() with
        {
            History = [new ChatTurn(ChatTurn.User, "Comment trouver un bon produit ?", DateTimeOffset.UtcNow), new ChatTurn(ChatTurn.Assistant, first.Text, DateTimeOffset.UtcNow)],
            Trends = first.Final.Trends,
        });

        Assert.Equal(1, trends.Calls);
        Assert.Same(first.Final.Trends, second.Final.Trends);
        var systems = server.Requests.Select(r => r.Json["messages"]![0]!["content"]!.GetValue<string>()).ToList();
        var data = server.Requests.Select(r => r.Json["messages"]![1]!["content"]!.GetValue<string>()).ToList(); // the trends data message
        Assert.Equal(systems[0], systems[1]);
        Assert.Equal(data[0], data[1]);
        Assert.Contains("#skincareroutine", data[0], StringComparison.Ordinal);
        Assert.Contains("2026-11-27", data[0], StringComparison.Ordinal);
        Assert.DoesNotContain("skincareroutine", systems[0], StringComparison.Ordinal);
    }
}
