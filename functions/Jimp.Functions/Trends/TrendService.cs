using Azure;
using Jimp.Functions.Coaching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Trends;

/// <summary>What one refresh did.</summary>
public sealed record TrendRefreshReport(bool Configured, int Stored, int Failed, int Skipped);

/// <summary>What <c>GET /api/trends</c> asks: validated values only.</summary>
public sealed record TrendQuery(string Country, string? NicheId, string? Kind, int Period);

/// <summary>
/// Trends for JIMP: refreshes snapshots from the Creative Center (when configured), stores imported ones, and
/// reads the newest for the API and the coach. A snapshot replaces the stored one only when its whole list was
/// fetched; any failure keeps the last good snapshot and is logged as kind + country + endpoint.
/// </summary>
public sealed partial class TrendService(
    CreativeCenterClient client,
    TrendStore store,
    IOptions<TrendsOptions> options,
    TimeProvider clock,
    ILogger<TrendService> logger)
{
    private int loggedNotConfigured;

    private TrendsOptions Options => options.Value;

    /// <summary>The distinct Creative Center industries of the niches (each gets its own hashtag and keyword lists).</summary>
    public static IReadOnlyList<string> Industries { get; } = Niches.All.Select(n => n.IndustryId).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Fetches every configured list (country × period × kind, plus industries) and stores each one that came whole.</summary>
    public async Task<TrendRefreshReport> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!Options.IsConfigured)
        {
            if (Interlocked.Exchange(ref loggedNotConfigured, 1) == 0)
            {
                LogNotConfigured(logger);
            }
            return new TrendRefreshReport(false, 0, 0, 0);
        }
        int stored = 0, failed = 0, skipped = 0;
        foreach (var (key, max) in ListsToFetch())
        {
            var endpoint = TrendKinds.EndpointFor(key.Kind);
            if (!endpoint.Supports(key.Period))
            {
                skipped++;
                continue;
            }
            var result = await client.FetchAsync(key, max, Options.MaxPages, cancellationToken);
            if (!result.Succeeded)
            {
                failed++;
                LogFetchFailed(logger, result.Failure!.Kind, result.Failure.Code, key.Country, endpoint.Path, key.Period, key.IndustryId);
                continue;
            }
            try
            {
                await store.SaveAsync(new TrendSnapshot(key, Today(), clock.GetUtcNow(), TrendSnapshot.FromApi, result.Items!), cancellationToken);
                stored++;
            }
            catch (RequestFailedException ex)
            {
                failed++;
                LogStoreFailed(logger, ex.Status, key.Country, endpoint.Path);
            }
        }
        LogRefreshed(logger, stored, failed, skipped);
        return new TrendRefreshReport(true, stored, failed, skipped);
    }

    /// <summary>Stores a snapshot that came from elsewhere (the owner's import), like a fetched one.</summary>
    public Task SaveAsync(TrendSnapshot snapshot, CancellationToken cancellationToken) => store.SaveAsync(snapshot, cancellationToken);

    /// <summary>The newest stored trends of a country, for a niche when given, of one kind or all configured kinds.</summary>
    public async Task<IReadOnlyList<TrendEntry>> GetAsync(TrendQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var niche = query.NicheId is null ? null : Niches.Find(query.NicheId);
        var entries = new List<TrendEntry>();
        foreach (var kind in query.Kind is null ? Options.Kinds : [query.Kind])
        {
            entries.AddRange(await ListForAsync(query.Country, kind, query.Period, niche, cancellationToken));
        }
        return entries;
    }

    /// <summary>
    /// The coach's view: at most <paramref name="max"/> current trends for the country and the creator's niches,
    /// mixed across kinds by rank (the best hashtag, song, product and keyword first), period the first configured.
    /// </summary>
    public async Task<IReadOnlyList<TrendEntry>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nicheIds);
        if (max <= 0 || !Options.Countries.Contains(country, StringComparer.Ordinal))
        {
            return [];
        }
        var period = Options.Periods.FirstOrDefault(7);
        var niches = nicheIds.Select(Niches.Find).OfType<Niche>().DistinctBy(n => n.Id).ToList();
        var perKind = new List<List<TrendEntry>>();
        foreach (var kind in Options.Kinds)
        {
            var lists = new List<IReadOnlyList<TrendEntry>>();
            if (niches.Count == 0 || kind == TrendKinds.Songs)
            {
                lists.Add(await ListForAsync(country, kind, period, null, cancellationToken));
            }
            else
            {
                foreach (var niche in niches)
                {
                    lists.Add(await ListForAsync(country, kind, period, niche, cancellationToken));
                }
            }
            perKind.Add(lists.SelectMany(l => l).OrderBy(e => e.Rank).DistinctBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList());
        }
        var top = new List<TrendEntry>(max);
        for (var i = 0; top.Count < max && perKind.Any(l => i < l.Count); i++)
        {
            foreach (var list in perKind.Where(l => i < l.Count))
            {
                if (top.Count == max) break;
                top.Add(list[i]);
            }
        }
        return top;
    }

    /// <summary>
    /// One list: a niche's industry list for hashtags and keywords (the whole country's when none is stored),
    /// the country's top products of the niche's Shop category, and the country's songs.
    /// </summary>
    private async Task<IReadOnlyList<TrendEntry>> ListForAsync(string country, string kind, int period, Niche? niche, CancellationToken cancellationToken)
    {
        TrendSnapshot? snapshot = null;
        var industrySpecific = niche is not null && TrendKinds.EndpointFor(kind).IndustryParameter is not null;
        if (industrySpecific)
        {
            snapshot = await store.LatestAsync(new TrendSnapshotKey(country, kind, period, niche!.IndustryId), cancellationToken);
        }
        snapshot ??= await store.LatestAsync(new TrendSnapshotKey(country, kind, period), cancellationToken);
        if (snapshot is null)
        {
            return [];
        }
        IEnumerable<TrendSnapshotItem> items = snapshot.Items;
        if (niche is not null && kind == TrendKinds.Products)
        {
            items = items.Where(i => string.Equals(i.Category, niche.ShopCategory, StringComparison.OrdinalIgnoreCase));
        }
        return items
            .OrderBy(i => i.Rank)
            .Select(i => new TrendEntry(kind, i.Name, i.Rank, country, period, snapshot.Date, i.Metric, TrendKinds.MetricNameFor(kind), i.Views, i.Category, snapshot.FetchedAt))
            .ToList();
    }

    private IEnumerable<(TrendSnapshotKey Key, int Max)> ListsToFetch()
    {
        foreach (var country in Options.Countries)
        {
            foreach (var period in Options.Periods)
            {
                foreach (var kind in Options.Kinds)
                {
                    yield return (new TrendSnapshotKey(country, kind, period), Options.MaxItems);
                    if (Options.MaxItemsPerIndustry > 0 && TrendKinds.EndpointFor(kind).IndustryParameter is not null)
                    {
                        foreach (var industry in Industries)
                        {
                            yield return (new TrendSnapshotKey(country, kind, period, industry), Options.MaxItemsPerIndustry);
                        }
                    }
                }
            }
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Trends are not configured (no Trends:BaseUrl): the trend refresh does nothing")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Trend fetch failed ({FailureKind} {FailureCode}) for {Country} {Endpoint} period {Period} industry {IndustryId}; the last good snapshot is kept")]
    private static partial void LogFetchFailed(ILogger logger, string failureKind, int? failureCode, string country, string endpoint, int period, string? industryId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Trend snapshot could not be stored (storage status {Status}) for {Country} {Endpoint}; the last good snapshot is kept")]
    private static partial void LogStoreFailed(ILogger logger, int status, string country, string endpoint);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Trend refresh done: {Stored} snapshots stored, {Failed} failed, {Skipped} skipped")]
    private static partial void LogRefreshed(ILogger logger, int stored, int failed, int skipped);
}
