using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Platform;

/// <summary>
/// Fixed-window rate limits kept in Table Storage, so they hold across every instance of the app. Keys are
/// keyed hashes (<see cref="KeyedHash"/>) of an address or of a truncated IP (<see cref="ClientInfo.TruncateIp"/>): the
/// table never holds an address or an IP, and its keys cannot be reversed without the secret key. Used where requests are rare and abuse is costly
/// (sign-in links, token checks); a limit costs one read and one write.
/// <para>A window's row is in the expiry bucket of its end (<see cref="ExpiryBuckets"/>): partition
/// <c>x{yyyyMMddHH of the end}-{first hex of the key}</c>, row <c>{key}-{window start}</c>, so housekeeping deletes the
/// windows that are over by key range, in batches, and erasure deletes a person's windows by their exact keys.</para>
/// </summary>
public sealed class RateLimits(JimpStorage storage, KeyedHash keyedHash, TimeProvider clock)
{
    public const string Table = "ratelimits";

    /// <summary>
    /// Tries of a contended count (an etag conflict: another request counted the same row meanwhile). Many sign-ins from
    /// one network at once (a school, a carrier's NAT: one /24) all count on one row; with 5 tries and none waiting,
    /// 10 at once got 429s far below the limit (the load profile found it). 20 tries with a short random wait between.
    /// </summary>
    private const int ContendedAttempts = 20;

    /// <summary>
    /// The window lengths in use. Erasure finds a person's rows by their exact keys, so a window must be one of these
    /// (<see cref="HitAsync"/> refuses another).
    /// </summary>
    public static readonly TimeSpan[] Windows = [TimeSpan.FromHours(1), TimeSpan.FromDays(1)];

    /// <summary>Where the window of <paramref name="hashedKey"/> that starts at <paramref name="windowStart"/> is stored.</summary>
    public static (string Partition, string Row) Address(string hashedKey, DateTimeOffset windowStart, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(hashedKey);
        return (ExpiryBuckets.Partition(ExpiryBuckets.Hour(windowStart + window), hashedKey[0]),
            hashedKey + "-" + windowStart.UtcTicks.ToString("D19", CultureInfo.InvariantCulture));
    }

    /// <summary>The rows a key can have now: the current window and the previous one (not swept yet), for each window length.</summary>
    public static IEnumerable<(string Partition, string Row)> LiveAddresses(string hashedKey, DateTimeOffset now)
    {
        foreach (var window in Windows)
        {
            var start = new DateTimeOffset(now.UtcTicks - now.UtcTicks % window.Ticks, TimeSpan.Zero);
            yield return Address(hashedKey, start, window);
            yield return Address(hashedKey, start - window, window);
        }
    }

    private static DateTimeOffset WindowStart(DateTimeOffset now, TimeSpan window)
    {
        if (!Windows.Contains(window)) throw new ArgumentOutOfRangeException(nameof(window), window, "A rate-limit window must be one of RateLimits.Windows (erasure finds rows by them).");
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % window.Ticks, TimeSpan.Zero);
    }

    /// <summary>A random wait of up to 5 ms per try so far, so that the requests that lost a conflict do not meet again.</summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (5 * attempt))), cancellationToken);

    /// <summary>The key of the per-address limit (keyed-hashed before storage; erasure finds it from the address).</summary>
    public static string EmailKey(string email) => "link-email:" + email.Trim().ToLowerInvariant();

    /// <summary>The key of the per-address limit on change-of-address e-mails (apart from sign-in's; erased with the address).</summary>
    public static string EmailChangeTargetKey(string email) => "change-email:" + email.Trim().ToLowerInvariant();

    /// <summary>The key of a per-account limit of <paramref name="what"/> (keyed-hashed; erased with the account).</summary>
    public static string AccountKey(string userId, string what = "change") => what + "-user:" + userId;

    /// <summary>The key of a per-network limit: only the truncated IP (/24, /48), never the full address.</summary>
    public static string IpKey(string limit, ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return limit + ":" + client.IpPrefix;
    }

    /// <summary>
    /// Takes back one hit counted by <see cref="HitAsync"/> in the current window, when what it allowed could not be
    /// done (the e-mail could not be sent): a failure on our side does not use up the person's budget.
    /// </summary>
    public async Task UndoAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var (partition, rowKey) = Address(keyedHash.RateLimitKey(key), WindowStart(clock.GetUtcNow(), window), window);
        for (var attempt = 0; attempt < ContendedAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue || (existing.Value!.GetInt32("Count") ?? 0) <= 0) return;
            var entity = new TableEntity(partition, rowKey) { ["Count"] = existing.Value.GetInt32("Count")!.Value - 1 };
            try
            {
                await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Counted at the same time: read again.
                await BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>Counts one hit on <paramref name="key"/>; throws a 429 problem with Retry-After past <paramref name="limit"/>.</summary>
    public async Task HitAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var now = clock.GetUtcNow();
        var windowStart = WindowStart(now, window);
        var (partition, rowKey) = Address(keyedHash.RateLimitKey(key), windowStart, window);
        for (var attempt = 0; attempt < ContendedAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            var count = existing.HasValue ? existing.Value!.GetInt32("Count") ?? 0 : 0;
            if (count >= limit)
            {
                var retryAfter = (int)Math.Ceiling((windowStart + window - now).TotalSeconds);
                throw ProblemException.TooManyRequests(Math.Max(1, retryAfter));
            }
            var entity = new TableEntity(partition, rowKey)
            {
                ["Count"] = count + 1,
                ["ExpiresAt"] = windowStart + window,
            };
            try
            {
                if (existing.HasValue)
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else
                    await table.AddEntityAsync(entity, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // Another request counted at the same time, or the window was deleted between the read and the write
                // (the erasure of the person it counts, housekeeping): read again.
                await BackOffAsync(attempt, cancellationToken);
            }
        }
        throw ProblemException.TooManyRequests(1);
    }
}
