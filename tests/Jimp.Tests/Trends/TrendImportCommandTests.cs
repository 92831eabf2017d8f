using Jimp.Functions.Trends;
using Jimp.Tests.Support;
using Jimp.TrendImport;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Trends;

/// <summary>The owner's command (<c>scripts/import-trends.sh</c> runs it) against the test's own storage prefix.</summary>
public sealed class TrendImportCommandTests(SharedHost shared) : IClassFixture<SharedHost>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("jimp-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Dictionary<string, string?> SettingsFor(JimpTestHost host) => new()
    {
        ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Storage:Prefix"] = host.Prefix,
    };

    [Fact]
    public async Task The_import_command_stores_a_csv_file_where_the_app_reads_it()
    {
        await using var host = shared.ForTest();
        var file = Path.Combine(folder, "trends.csv");
        await File.WriteAllTextAsync(file, "kind,country,period,date,rank,name,metric\nkeywords,FR,7,2026-11-27,1,routine,40\nkeywords,FR,7,2026-11-27,2,serum,30\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ImportCommand.RunAsync([file], output, error, SettingsFor(host));

        Assert.True(exit == 0, error.ToString());
        Assert.Equal("imported keywords FR 7 days 2026-11-27: 2 items", output.ToString().Trim());
        var served = await host.Services.GetRequiredService<TrendService>().GetAsync(new TrendQuery("FR", null, TrendKinds.Keywords, 7), default);
        Assert.Equal(["routine", "serum"], served.Select(s => s.Name));
    }

    [Fact]
    public async Task The_import_command_takes_kind_country_and_period_of_a_json_file_from_its_options()
    {
        await using var host = shared.ForTest();
        var file = Path.Combine(folder, "songs.json");
        await File.WriteAllTextAsync(file, """{"code":0,"msg":"OK","data":{"sound_list":[{"title":"Chanson","author":"Someone","rank":1}],"pagination":{"has_more":false}}}""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ImportCommand.RunAsync([file, "--kind", "songs", "--country", "FR", "--period", "30", "--date", "2026-11-20"], output, error, SettingsFor(host));

        Assert.True(exit == 0, error.ToString());
        var snapshot = await host.Services.GetRequiredService<TrendStore>().LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Songs, 30), default);
        Assert.Equal([new TrendSnapshotItem(1, "Chanson", RankDiff: null)], snapshot!.Items);
        Assert.Equal(new DateOnly(2026, 11, 20), snapshot.Date);
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "a.csv", "b.csv" }, 2)]
    [InlineData(new[] { "a.csv", "--period" }, 2)]
    [InlineData(new[] { "a.csv", "--colour", "red" }, 2)]
    [InlineData(new[] { "missing.csv" }, 1)]
    public async Task The_import_command_explains_its_usage_and_refuses_what_it_cannot_read(string[] args, int expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ImportCommand.RunAsync(args.Select(a => a.EndsWith(".csv", StringComparison.Ordinal) ? Path.Combine(folder, a) : a).ToArray(), output, error);
        Assert.Equal(expected, exit);
        Assert.NotEmpty(error.ToString());
    }

    [Fact]
    public async Task A_refused_file_exits_1_with_the_reason_and_stores_nothing()
    {
        await using var host = shared.ForTest();
        var file = Path.Combine(folder, "bad.csv");
        await File.WriteAllTextAsync(file, "kind,country,period,date,rank,name,metric\nvideos,FR,7,2026-11-27,1,x,1\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(1, await ImportCommand.RunAsync([file], output, error, SettingsFor(host)));
        Assert.Contains("Line 2", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(await StorageScan.TableNamesAsync(host.Storage));
    }
}
