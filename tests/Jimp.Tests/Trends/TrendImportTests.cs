using System.Text;
using Jimp.Functions.Trends;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Trends;

public sealed class TrendImportTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task A_csv_file_becomes_one_snapshot_per_kind_country_period_and_date()
    {
        await using var host = shared.ForTest();
        var importer = host.Services.GetRequiredService<TrendImporter>();
        const string csv = """
            kind,country,period,date,rank,name,metric
            hashtags,FR,7,2026-11-27,2,#skincare,900
            hashtags,FR,7,2026-11-27,1,glowup,1200
            keywords,FR,7,2026-11-27,1,"routine, soir",40
            songs,FR,30,2026-11-26,1,"Un ""titre"" connu",
            """;

        var report = await importer.ImportCsvAsync(Utf8(csv), default);

        Assert.Equal(3, report.Snapshots.Count);
        var store = host.Services.GetRequiredService<TrendStore>();
        var hashtags = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Hashtags, 7), default);
        Assert.Equal([new TrendSnapshotItem(1, "glowup", 1200), new TrendSnapshotItem(2, "skincare", 900)], hashtags!.Items);
        Assert.Equal((new DateOnly(2026, 11, 27), TrendSnapshot.FromImport), (hashtags.Date, hashtags.Origin));
        var keywords = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Keywords, 7), default);
        Assert.Equal("routine, soir", keywords!.Items.Single().Name);
        var songs = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Songs, 30), default);
        Assert.Equal(new TrendSnapshotItem(1, "Un \"titre\" connu"), songs!.Items.Single());

        // Read back like fetched trends.
        var served = await host.Services.GetRequiredService<TrendService>().GetAsync(new TrendQuery("FR", null, TrendKinds.Hashtags, 7), default);
        Assert.Equal(["glowup", "skincare"], served.Select(s => s.Name));
    }

    [Fact]
    public async Task A_creative_center_json_file_is_mapped_like_a_fetched_page_and_creators_are_dropped()
    {
        await using var host = shared.ForTest();
        var importer = host.Services.GetRequiredService<TrendImporter>();
        var nick = FakeCreativeCenter.CreatorNickNames[0];
        var avatar = FakeCreativeCenter.CreatorAvatarUrls[0];
        var json = """
            {"code":0,"msg":"OK","data":{"list":[
              {"hashtag_id":"1","hashtag_name":"glowup","publish_cnt":1200,"video_views":50000,"rank":1,"rank_diff":3,"rank_diff_type":1,
               "industry_info":{"id":14000000000,"value":"Beauty & Personal Care","label":"label_14000000000"},
               "creators":[{"nick_name":"NICK","avatar_url":"AVATAR"}]}],
              "pagination":{"page":1,"size":20,"total":1,"has_more":false}}}
            """.Replace("NICK", nick, StringComparison.Ordinal).Replace("AVATAR", avatar, StringComparison.Ordinal);

        var report = await importer.ImportJsonAsync(Utf8(json), new TrendImportDefaults(TrendKinds.Hashtags, "FR", 7, new DateOnly(2026, 11, 28)), default);

        var item = report.Snapshots.Single().Items.Single();
        Assert.Equal(new TrendSnapshotItem(1, "glowup", 1200, 50000, "Beauty & Personal Care", 3, 1), item);
        foreach (var text in await StorageScan.EverythingAsync(host.Storage))
        {
            Assert.DoesNotContain(nick, text, StringComparison.Ordinal);
            Assert.DoesNotContain(avatar, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("kind,country,period,date,rank,name\nhashtags,FR,7,2026-11-27,1,a\n", "header")]
    [InlineData("kind,country,period,date,rank,name,metric\nhashtags,FR,7,2026-11-27,1,a,1\nvideos,FR,7,2026-11-27,1,b,2\n", "Line 3")]
    [InlineData("kind,country,period,date,rank,name,metric\nhashtags,US,7,2026-11-27,1,a,1\n", "country")]
    [InlineData("kind,country,period,date,rank,name,metric\nproducts,FR,120,2026-11-27,1,a,1\n", "period")]
    [InlineData("kind,country,period,date,rank,name,metric\nhashtags,FR,7,27/11/2026,1,a,1\n", "date")]
    [InlineData("kind,country,period,date,rank,name,metric\nhashtags,FR,7,2026-11-27,0,a,1\n", "rank")]
    public async Task A_bad_file_is_refused_whole_with_the_line_and_stores_nothing(string csv, string mentioned)
    {
        await using var host = shared.ForTest();
        var importer = host.Services.GetRequiredService<TrendImporter>();

        var error = await Assert.ThrowsAsync<TrendImportException>(() => importer.ImportCsvAsync(Utf8(csv), default));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
        Assert.Null(await host.Services.GetRequiredService<TrendStore>().LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Hashtags, 7), default));
    }

    [Fact]
    public async Task An_error_answer_saved_as_a_file_is_not_imported()
    {
        await using var host = shared.ForTest();
        var importer = host.Services.GetRequiredService<TrendImporter>();
        const string json = """{"code":50004,"msg":"no permission","data":{"list":[]}}""";

        await Assert.ThrowsAsync<TrendImportException>(() =>
            importer.ImportJsonAsync(Utf8(json), new TrendImportDefaults(TrendKinds.Hashtags, "FR", 7), default));
    }
}
