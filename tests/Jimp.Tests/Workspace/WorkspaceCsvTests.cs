using System.Globalization;
using System.Text;
using Jimp.Functions.Workspace;

namespace Jimp.Tests.Workspace;

/// <summary>Reading a CSV of videos: JIMP's template, TikTok Studio's columns, French spreadsheets, and every bad input.</summary>
public sealed class WorkspaceCsvTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private static readonly Product Brush = new("p1", "Brosse anti-poils", "home", 19.90m, 12m, null, null, ProductStatuses.Promoting, default, default);

    private static CsvReadResult Read(string csv, int maxRows = 5_000, bool french = true) => VideoCsv.Read(csv, maxRows, Today, [Brush], french);

    [Fact]
    public void The_template_reads_back_as_one_valid_video_in_both_languages()
    {
        foreach (var french in new[] { true, false })
        {
            var result = VideoCsv.Read(VideoCsv.Template(french), 10, Today, [Brush with { Name = french ? "Brosse anti-poils" : "Pet hair brush" }], french);
            Assert.Empty(result.Errors);
            var (_, _, video) = Assert.Single(result.Rows);
            Assert.Equal(new DateOnly(2026, 11, 2), video.PostedOn);
            Assert.Equal("p1", video.ProductId);
            Assert.Equal("result-first", video.HookStyle);
            Assert.Equal(12500, video.Views);
            Assert.Equal(9.4m, video.AverageWatchSeconds);
            Assert.Equal("jimp", result.Layout);
        }
    }

    [Fact]
    public void TikTok_Studio_columns_are_mapped_and_its_other_columns_ignored_by_name()
    {
        var csv = "Video title,Video link,Post time,Video duration,Total views,Total likes,Total comments,Total shares,Average watch time,Watched full video\n" +
                  "Ma vidéo,https://www.tiktok.com/@x/video/1,2026-11-20 18:02:11,24,\"3,400\",210,12,5,7.5s,18.2%\n";
        var result = Read(csv);
        Assert.Empty(result.Errors);
        var (_, key, video) = Assert.Single(result.Rows);
        Assert.Equal("tiktok-studio", result.Layout);
        Assert.Equal(["Video title", "Video link"], result.IgnoredColumns);
        Assert.Equal(new DateOnly(2026, 11, 20), video.PostedOn);
        Assert.Equal(3400, video.Views);
        Assert.Equal(7.5m, video.AverageWatchSeconds);
        Assert.Equal(18.2m, video.CompletionPercent);
        Assert.Null(video.HookText); // a caption is not a hook: the title is not kept
        Assert.Equal(key, Read(csv.Replace("3,400", "3,900", StringComparison.Ordinal)).Rows[0].Key); // the link identifies the video across downloads
    }

    [Fact]
    public void A_french_spreadsheet_with_semicolons_decimal_commas_and_french_titles_is_read()
    {
        var csv = "Date de publication;Produit;Style de hook;Durée (s);Vues;Temps de visionnage moyen;Clics produit;Commandes;Commission (€)\n" +
                  "02/11/2026;brosse anti-poils;Avant/après;21;1 250;9,4;31;2;4,78\n";
        var result = Read(csv);
        Assert.Empty(result.Errors);
        var video = Assert.Single(result.Rows).Video;
        Assert.Equal(new DateOnly(2026, 11, 2), video.PostedOn);
        Assert.Equal("p1", video.ProductId);
        Assert.Equal("before-after", video.HookStyle);
        Assert.Equal(1250, video.Views);
        Assert.Equal(9.4m, video.AverageWatchSeconds);
        Assert.Equal(4.78m, video.CommissionEur);
    }

    [Fact]
    public void Every_bad_row_gets_its_own_error_and_no_row_is_kept()
    {
        var csv = "date,product,hook_style,length_seconds,views,completion_percent,likes,orders\n" +
                  "2026-11-01,Brosse anti-poils,question,20,1000,40,10,1\n" +      // line 2: fine
                  "2026-11-02,Brosse anti-poils,question,20,-5,40,10,1\n" +        // line 3: negative views
                  "2026-11-03,Brosse anti-poils,question,20,1000,140,10,1\n" +     // line 4: % over 100
                  "2027-01-01,Brosse anti-poils,question,20,1000,40,10,1\n" +      // line 5: future date
                  "2026-11-05,Robot,question,20,1000,40,10,1\n" +                  // line 6: unknown product
                  "2026-11-06,Brosse anti-poils,shouting,abc,1000,40,10,1.5\n";    // line 7: style, length, orders
        var result = Read(csv, french: false);
        Assert.Empty(result.Rows);
        Assert.Contains(result.Errors, e => e is { Line: 3, Column: "views" });
        Assert.Contains(result.Errors, e => e is { Line: 4, Column: "completion_percent" } && e.Message.Contains("100", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { Line: 5, Column: "date" } && e.Message.Contains("future", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { Line: 6, Column: "product" } && e.Message.Contains("Robot", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { Line: 7, Column: "hook_style" });
        Assert.Contains(result.Errors, e => e is { Line: 7, Column: "length_seconds" });
        Assert.Contains(result.Errors, e => e is { Line: 7, Column: "orders" });
        Assert.DoesNotContain(result.Errors, e => e.Line == 2);
    }

    [Fact]
    public void Unknown_and_missing_columns_are_named_in_the_users_language()
    {
        var result = Read("date,views,mood\n2026-11-01,100,happy\n");
        var unknown = Assert.Single(result.Errors, e => e.Line == 1 && e.Column == "mood");
        Assert.Contains("Colonnes inconnues : mood", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(result.Errors, e => e is { Line: 1, Column: "length_seconds" } && e.Message.Contains("obligatoire", StringComparison.Ordinal));
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Ten_thousand_rows_are_refused_with_the_limit()
    {
        var sb = new StringBuilder("date,length_seconds,views\n");
        for (var i = 0; i < 10_000; i++) sb.Append(CultureInfo.InvariantCulture, $"2026-11-01,{10 + (i % 50)},{i}\n");
        var result = Read(sb.ToString(), maxRows: 5_000, french: false);
        var error = Assert.Single(result.Errors);
        Assert.Contains("at most 5000 videos", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void An_empty_file_and_broken_quotes_are_clear_errors()
    {
        Assert.Contains("vide", Assert.Single(Read("").Errors).Message, StringComparison.Ordinal);
        var broken = Read("date,length_seconds,views\n2026-11-01,\"20,100\n2026-11-02,20,100\n");
        Assert.NotEmpty(broken.Errors);
        Assert.Empty(broken.Rows);
    }

    [Fact]
    public void The_same_file_gives_the_same_row_ids_and_two_identical_rows_two_ids()
    {
        var csv = "date,hook_text,length_seconds,views\n2026-11-01,Regarde ça,20,100\n2026-11-01,Regarde ça,20,100\n";
        var first = Read(csv).Rows.Select(r => r.Key).ToList();
        Assert.Equal(2, first.Distinct().Count());
        Assert.Equal(first, Read(csv.Replace(",100\n", ",150\n", StringComparison.Ordinal)).Rows.Select(r => r.Key).ToList());
    }

    [Theory]
    [InlineData("1,234", 1234)]
    [InlineData("1 234", 1234)]
    [InlineData("12,5", 12.5)]
    [InlineData("12.5%", 12.5)]
    [InlineData("8.3s", 8.3)]
    [InlineData("1,234.5", 1234.5)]
    public void Numbers_are_read_as_spreadsheets_write_them(string text, double expected) =>
        Assert.Equal((decimal)expected, VideoCsv.ParseNumber(text));
}
