using System.Security.Cryptography;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Functions.Platform.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Workspace;

/// <summary>What an import stored.</summary>
public sealed record ImportResult(int Imported, int Added, int Replaced, string Layout, IReadOnlyList<string> IgnoredColumns);

/// <summary>A product with what JIMP computes for it.</summary>
public sealed record ProductView(Product Product, decimal? EarningPerSaleEur, IReadOnlyList<string> TrendingInNiche, bool Trending);

/// <summary>
/// The creator's workspace: products, videos (form and CSV), insights and the weekly plan. Values in, results
/// out; no HTTP, and nothing here ever calls TikTok (a shop link is only checked as text). Every change of the
/// products or videos clears the copies of the numbers the coach pinned in the creator's conversations
/// (<see cref="ICreatorDataCache"/>), so deleted results leave no copy and the next turn reads the new ones.
/// </summary>
public sealed partial class WorkspaceService(
    WorkspaceStore store,
    ITrendReader trends,
    IOptions<WorkspaceOptions> options,
    TimeProvider clock,
    ILogger<WorkspaceService> logger,
    ICreatorDataCache? coachCopies = null)
{
    public WorkspaceOptions Options => options.Value;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The creator's products, with the earning per sale and the niche's trending products when trends are stored.</summary>
    public async Task<IReadOnlyList<ProductView>> ProductsAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        var trending = await TrendingProductsAsync(user, products.Select(p => p.Niche).OfType<string>().Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        return products.OrderBy(p => p.Status == ProductStatuses.Dropped).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => View(p, trending)).ToList();
    }

    public async Task<ProductView> AddProductAsync(SignedInUser user, ProductInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfInvalid(input.Validate(user.Locale != "en"));
        var existing = await store.ProductsAsync(user.UserId, cancellationToken);
        if (existing.Count >= Options.MaxProducts)
        {
            throw Limit(user, $"Tu as déjà {Options.MaxProducts} produits, le maximum : supprime-en avant d'en ajouter.", $"You already have {Options.MaxProducts} products, the maximum: delete some before adding more.");
        }
        var now = clock.GetUtcNow();
        var product = Product.From(NewId(), input, now, now);
        await store.SaveProductAsync(user.UserId, product, cancellationToken);
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        return View(product, new Dictionary<string, IReadOnlyList<string>>());
    }

    public async Task<ProductView> UpdateProductAsync(SignedInUser user, string id, ProductInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfInvalid(input.Validate(user.Locale != "en"));
        var existing = await store.ProductAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("product");
        var product = Product.From(id, input, existing.CreatedAt, clock.GetUtcNow());
        await store.SaveProductAsync(user.UserId, product, cancellationToken);
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        return View(product, new Dictionary<string, IReadOnlyList<string>>());
    }

    public async Task DeleteProductAsync(SignedInUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var deleted = await store.DeleteAsync(WorkspaceStore.ProductsTable, user.UserId, id, cancellationToken);
        // Also when it was already gone: a retry after a failure here must still clear the copies.
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        if (!deleted) throw ProblemException.NotFound("product");
    }

    /// <summary>The creator's videos, newest first.</summary>
    public async Task<IReadOnlyList<Video>> VideosAsync(string userId, CancellationToken cancellationToken) =>
        (await store.VideosAsync(userId, cancellationToken)).OrderByDescending(v => v.PostedOn).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();

    public async Task<Video> SaveVideoAsync(SignedInUser user, string? id, VideoInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(input);
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        ThrowIfInvalid(input.Validate(Today.AddDays(1), products.Select(p => p.Id).ToHashSet(StringComparer.Ordinal), user.Locale != "en"));
        if (id is null)
        {
            var count = (await store.VideoIdsAsync(user.UserId, cancellationToken)).Count;
            if (count >= Options.MaxVideos)
            {
                throw Limit(user, $"Tu as déjà {Options.MaxVideos} vidéos, le maximum : supprime-en avant d'en ajouter.", $"You already have {Options.MaxVideos} videos, the maximum: delete some before adding more.");
            }
        }
        else if (!await store.VideoExistsAsync(user.UserId, id, cancellationToken))
        {
            throw ProblemException.NotFound("video");
        }
        var video = Video.From(id ?? NewId(), input, Video.FromForm, clock.GetUtcNow());
        await store.SaveVideosAsync(user.UserId, [video], cancellationToken);
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        return video;
    }

    public async Task DeleteVideoAsync(SignedInUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var deleted = await store.DeleteAsync(WorkspaceStore.VideosTable, user.UserId, id, cancellationToken);
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        if (!deleted) throw ProblemException.NotFound("video");
    }

    /// <summary>
    /// Imports a CSV: every row is read and checked first; if any row is wrong, the answer lists the rows and
    /// nothing is stored. Then the rows are written in transactions of at most 100 (one partition). A row's id
    /// comes from what identifies the video in the file, so importing the same file again (for example after a
    /// storage failure half-way, or with newer numbers) replaces those rows instead of adding copies.
    /// Storage requests: one for the products, one per 1,000 existing videos, one per 100 rows written, then the
    /// coach's copies cleared (one query per 1,000 conversations, one batch per 100).
    /// </summary>
    public async Task<ImportResult> ImportAsync(SignedInUser user, string csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var french = user.Locale != "en";
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        var read = VideoCsv.Read(csv, Options.MaxVideos, Today.AddDays(1), products, french);
        if (read.Errors.Count > 0)
        {
            LogImportRejected(logger, user.UserId, read.Errors.Count);
            throw CsvImportException.Create(read.Errors, french);
        }
        if (read.Rows.Count == 0)
        {
            throw CsvImportException.Create([new CsvRowError(0, null, french ? "Aucune vidéo dans le fichier." : "No video in the file.")], french);
        }
        var existing = await store.VideoIdsAsync(user.UserId, cancellationToken);
        var added = read.Rows.Count(r => !existing.Contains(r.Key));
        if (existing.Count + added > Options.MaxVideos)
        {
            throw Limit(user, $"Ce fichier porterait ton total à {existing.Count + added} vidéos ; le maximum est {Options.MaxVideos}.", $"This file would bring your total to {existing.Count + added} videos; the maximum is {Options.MaxVideos}.");
        }
        var now = clock.GetUtcNow();
        var videos = read.Rows.Select(r => Video.From(r.Key, r.Video, Video.FromCsv, now)).ToList();
        await store.SaveVideosAsync(user.UserId, videos, cancellationToken);
        await ForgetCoachCopiesAsync(user.UserId, cancellationToken);
        LogImported(logger, user.UserId, videos.Count, added);
        return new ImportResult(videos.Count, added, videos.Count - added, read.Layout, read.IgnoredColumns);
    }

    /// <summary>The creator's insights. Stopped while processing is restricted (Art. 18).</summary>
    public async Task<CreatorInsightsView> InsightsAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRestricted(user);
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        var videos = await store.VideosAsync(user.UserId, cancellationToken);
        return CreatorInsights.Compute(products, videos, Today, Options.SettleDays, user.Locale != "en");
    }

    /// <summary>The plan of a week (default: next week), or null before one was proposed.</summary>
    public async Task<WeeklyPlan?> PlanAsync(SignedInUser user, string? week, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await store.PlanAsync(user.UserId, ParseWeek(week).ToString(), cancellationToken);
    }

    /// <summary>Proposes (or proposes again) the plan of a week from the products, the results and the trends.</summary>
    public async Task<WeeklyPlan> ProposePlanAsync(SignedInUser user, string? week, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRestricted(user);
        var target = ParseWeek(week);
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        var videos = await store.VideosAsync(user.UserId, cancellationToken);
        var french = user.Locale != "en";
        var insights = CreatorInsights.Compute(products, videos, Today, Options.SettleDays, french);
        var niches = products.Where(p => p.Status != ProductStatuses.Dropped).Select(p => p.Niche).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var trendNames = (await TrendsAsync(user, niches, 12, cancellationToken)).Where(t => t.Kind == Trends.TrendKinds.Hashtags).Select(t => t.Name).Take(7).ToList();
        var plan = WeeklyPlanner.Propose(target, products, insights, trendNames, french, clock.GetUtcNow());
        await store.SavePlanAsync(user.UserId, plan, cancellationToken);
        return plan;
    }

    /// <summary>Ticks a video of the plan off (or back on).</summary>
    public async Task<WeeklyPlan> TickAsync(SignedInUser user, string week, int index, bool done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = ParseWeek(week).ToString();
        var plan = await store.PlanAsync(user.UserId, key, cancellationToken) ?? throw ProblemException.NotFound("plan");
        if (index < 0 || index >= plan.Items.Count) throw ProblemException.NotFound("plan item");
        var updated = plan with { Items = plan.Items.Select(i => i.Index == index ? i with { Done = done } : i).ToList() };
        await store.SavePlanAsync(user.UserId, updated, cancellationToken);
        return updated;
    }

    public string Calendar(WeeklyPlan plan) => WeeklyPlanner.ToICalendar(plan, clock.GetUtcNow());

    /// <summary>A week given as <c>2026-W49</c>; none means the week after this one.</summary>
    public InsightWeek ParseWeek(string? week)
    {
        if (string.IsNullOrEmpty(week)) return InsightWeek.Of(clock.GetUtcNow()).AddWeeks(1);
        return InsightWeek.TryParse(week, out var parsed) ? parsed : throw RequestValidationException.For("week", "An ISO week such as 2026-W49.");
    }

    /// <summary>
    /// Clears the coach's pinned copies (one query per 1,000 conversations, one batch per 100). A failure is not
    /// swallowed: the caller gets a 503 and retries, rather than a copy of deleted numbers staying behind.
    /// </summary>
    private Task ForgetCoachCopiesAsync(string userId, CancellationToken cancellationToken) =>
        coachCopies?.ForgetAsync(userId, cancellationToken) ?? Task.CompletedTask;

    private async Task<Dictionary<string, IReadOnlyList<string>>> TrendingProductsAsync(SignedInUser user, IReadOnlyList<string> niches, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var niche in niches)
        {
            map[niche] = (await TrendsAsync(user, [niche], 40, cancellationToken)).Where(t => t.Kind == Trends.TrendKinds.Products).Select(t => t.Name).Take(5).ToList();
        }
        return map;
    }

    /// <summary>Trends through the Trends feature's reader; none when the profile has no country or trends are down.</summary>
    private async Task<IReadOnlyList<TrendItem>> TrendsAsync(SignedInUser user, IReadOnlyList<string> niches, int max, CancellationToken cancellationToken)
    {
        var country = ProfileStore.Deserialize(user.ProfileJson)?.Country;
        if (country is null || niches.Count == 0) return [];
        try
        {
            return await trends.TopForAsync(country, niches, max, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTrendsUnavailable(logger, e.GetType().Name);
            return [];
        }
    }

    private static ProductView View(Product p, IReadOnlyDictionary<string, IReadOnlyList<string>> trending)
    {
        var list = p.Niche is not null && trending.TryGetValue(p.Niche, out var names) ? names : [];
        var words = Words(p.Name);
        return new ProductView(p, p.EarningPerSaleEur, list, list.Any(n => Words(n).Overlaps(words)));
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split([' ', '-', ',', '.', '/', '\''], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 4).ToHashSet(StringComparer.Ordinal);

    private static void ThrowIfInvalid(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    private static void ThrowIfRestricted(SignedInUser user)
    {
        if (user.Restricted)
        {
            throw ProblemException.Forbidden(user.Locale == "en"
                ? "You asked JIMP to restrict the processing of your data: the analysis of your results is paused until you lift the restriction in the privacy center."
                : "Tu as demandé à JIMP de limiter le traitement de tes données : l'analyse de tes résultats est en pause jusqu'à ce que tu lèves la limitation dans l'espace confidentialité.", "restricted");
        }
    }

    private static ProblemException Limit(SignedInUser user, string fr, string en) =>
        new(409, user.Locale == "en" ? "Limit reached." : "Limite atteinte.", user.Locale == "en" ? en : fr) { Code = "workspace-limit" };

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Workspace: user {UserId} imported {Rows} videos ({Added} new)")]
    private static partial void LogImported(ILogger logger, string userId, int rows, int added);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Workspace: an import of user {UserId} was rejected with {Errors} row errors; nothing stored")]
    private static partial void LogImportRejected(ILogger logger, string userId, int errors);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "Workspace: trends unavailable ({ExceptionType}); products shown without them")]
    private static partial void LogTrendsUnavailable(ILogger logger, string exceptionType);
}

/// <summary>A CSV that cannot be stored: a 400 problem (code <c>csv-invalid</c>) listing each row's errors (the first 200) in <c>rows</c>.</summary>
public static class CsvImportException
{
    public const int MaxListed = 200;

    public static ProblemException Create(IReadOnlyList<CsvRowError> rows, bool french)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new ProblemException(400, french ? "Le fichier n'a pas été importé." : "The file was not imported.",
            french ? $"{rows.Count} erreur(s) : rien n'a été enregistré. Corrige les lignes indiquées puis importe à nouveau le fichier."
                   : $"{rows.Count} error(s): nothing was stored. Fix the rows listed and import the file again.")
        {
            Code = "csv-invalid",
            Extensions = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["errorCount"] = rows.Count,
                ["rows"] = rows.Take(MaxListed).Select(r => new { line = r.Line, column = r.Column, message = r.Message }).ToList(),
            },
        };
    }
}
