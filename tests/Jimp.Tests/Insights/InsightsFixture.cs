using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Insights;

/// <summary>Made-up people with a profile and questions at chosen times, written through the app's own stores.</summary>
public static class InsightsFixture
{
    /// <summary>Questions the offline coach's playbooks classify without doubt (from the labelled evaluation set).</summary>
    public const string HookQuestion = "c'est quoi un bon hook";
    public const string LiveQuestion = "je fais mon premier live demain, des conseils ?";
    public const string CommissionQuestion = "combien je touche de commission sur une vente";

    /// <summary>Tuesday of ISO week 2026-W48, the week the test clock starts in (Saturday 28 November 2026).</summary>
    public static readonly DateTimeOffset InWeek48 = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);

    public static async Task<string> PersonAsync(JimpTestHost host, string niche, string level, bool objects = false, bool restricted = false, bool minor = false, string language = "fr")
    {
        var id = Guid.NewGuid().ToString("N");
        var at = host.Clock.GetUtcNow();
        await host.Services.GetRequiredService<AccountStore>().CreateAsync(
            new Account(id, $"insights-{id[..12]}@example.test", language, at, at, "2.0.0", at, at, restricted, objects, minor), default);
        await host.Services.GetRequiredService<ProfileStore>().SaveAsync(id, new CoachProfile
        {
            Niches = [niche],
            NicheDetails = "détails privés " + id[..6],
            Goals = [],
            Experience = level,
            Language = language,
        }, at, default);
        return id;
    }

    public static async Task<List<string>> PeopleAsync(JimpTestHost host, int count, string niche, string level)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++) ids.Add(await PersonAsync(host, niche, level));
        return ids;
    }

    /// <summary>
    /// One conversation holding <paramref name="questions"/>, asked a minute apart from <paramref name="at"/>: each
    /// stored and handed to the question observers, as a chat turn does (the insights index).
    /// </summary>
    public static async Task AskAsync(JimpTestHost host, string userId, DateTimeOffset at, params string[] questions)
    {
        var store = host.Services.GetRequiredService<ConversationStore>();
        var profile = (await host.Services.GetRequiredService<ProfileStore>().GetAsync(userId, default))!.Value.Profile;
        var conversation = await store.CreateAsync(userId, "Questions", true, at, default);
        string? newest = null;
        foreach (var question in questions)
        {
            var message = await store.AddUserMessageAsync(userId, conversation.Id, question, newest, at, default);
            foreach (var observer in host.Services.GetServices<IQuestionObserver>())
            {
                await observer.QuestionAskedAsync(userId, conversation.Id, message, profile, default);
            }
            newest = message.Id;
            at = at.AddMinutes(1);
        }
    }

    /// <summary>The rows of the insights table, as stored.</summary>
    public static async Task<List<TableEntity>> RowsAsync(JimpTestHost host)
    {
        var table = await host.Storage.TableAsync("insights");
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>()) rows.Add(e);
        return rows;
    }

    public static TableEntity? Group(IEnumerable<TableEntity> rows, string week, string rowKey) =>
        rows.SingleOrDefault(r => r.PartitionKey == week && r.RowKey == rowKey);
}
