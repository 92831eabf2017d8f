using Jimp.Functions.Coaching;
using TrendKinds = Jimp.Functions.Trends.TrendKinds;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Coaching;

[Collection(SharedHostCollection.Name)]
public sealed class CoachingRegistrationTests(SharedHost shared)
{
    [Fact]
    public async Task AddJimp_registers_the_offline_coach_by_default_with_no_trend_data()
    {
        await using var host = shared.ForTest();
        var coach = host.Services.GetRequiredService<CoachService>();
        Assert.Equal(ModelOptions.Offline, coach.Mode);
        // The coach reads the stored trends (the Trends feature's reader); this host has none stored.
        Assert.IsType<Jimp.Functions.Trends.TrendReader>(host.Services.GetRequiredService<ITrendReader>());

        var (text, final, _) = await CoachHarness.RunAsync(coach, new CoachRequest("user-1", CoachHarness.Profile(), [], "c'est quoi un bon hook"));
        Assert.StartsWith("*Réponse automatique* —", text, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 11, 28), final.Trends.Day); // dated by the host's clock
        Assert.Empty(final.Trends.Items);
    }

    [Fact]
    public async Task A_trend_reader_registered_by_another_feature_is_kept()
    {
        var trends = new FixedTrends(new TrendItem(TrendKinds.Hashtags, "cleantok", 1, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)));
        await using var host = await JimpTestHost.StartAsync(o => o.Services = s => s.AddSingleton<ITrendReader>(trends));
        var coach = host.Services.GetRequiredService<CoachService>();

        var (text, _, _) = await CoachHarness.RunAsync(coach, new CoachRequest("user-1", CoachHarness.Profile(), [], "astuces pour des vidéos rangement et ménage qui vendent"));
        Assert.Contains("#cleantok", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_profile_or_empty_message_is_a_validation_problem()
    {
        using var harness = new CoachHarness(new() { ["Model:Provider"] = ModelOptions.Offline });
        var bad = new CoachRequest("user-1", CoachHarness.Profile() with { Country = "US" }, [], "bonjour");
        var error = await Assert.ThrowsAsync<Jimp.Functions.Platform.Http.RequestValidationException>(() => CoachHarness.RunAsync(harness.Coach, bad));
        Assert.Contains("country", error.Errors.Keys);
        await Assert.ThrowsAsync<Jimp.Functions.Platform.Http.RequestValidationException>(() => CoachHarness.RunAsync(harness.Coach, bad with { Profile = CoachHarness.Profile(), Text = "  " }));
    }
}
