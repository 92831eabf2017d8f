using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Accounts;

/// <summary>
/// The signed-in user of a request, with what a chat turn needs of their account: whether processing is
/// restricted (Art. 18) and their coaching profile. Both are copied onto each session when they change, so
/// checking a request stays one point read and a chat turn needs no extra read.
/// </summary>
public sealed record SignedInUser(string UserId, string Locale, string SessionKey)
{
    public bool Restricted { get; init; }

    /// <summary>The account objects to aggregate insights (Art. 21): its questions are not indexed for them.</summary>
    public bool ObjectsToInsights { get; init; }

    /// <summary>The coaching profile as stored (JSON), or null before onboarding.</summary>
    public string? ProfileJson { get; init; }

    /// <summary>When this session was created (the operator console accepts only recent ones).</summary>
    public DateTimeOffset SessionCreatedAt { get; init; }
}

/// <summary>
/// Sessions: one cookie <c>jimp_session</c> = <c>{userId}.{yyyyMMdd of expiry}{256-bit secret}</c>. The <c>sessions</c>
/// table keeps one entity per session in a day expiry bucket (#20): partition <c>x{yyyyMMdd of expiry}-{first hex of
/// the user id}</c>, row <c>{userId}-{SHA-256 of the cookie's secret part}</c>. The cookie carries its day, so checking a
/// request stays one point read; housekeeping deletes whole days that are over, in batches, and reads nothing else.
/// <para>A user's sessions (profile and flags copied onto them, sign out everywhere, export, erasure) are the user's
/// rows in the partitions of the days a session can still expire on (today to today + the session lifetime: one
/// range query each, in parallel), the buckets of days already over that housekeeping has not deleted yet and any
/// bucket past the lifetime (one range query each, normally empty), and the old-shape partition.</para>
/// <para>Old shape (before buckets): partition = user id, row = SHA-256 of a 43-character secret, cookie
/// <c>{userId}.{secret}</c>. Such a cookie keeps working until its session expires (its row is read at its old address);
/// housekeeping deletes expired old-shape rows one by one; none is left 30 days after the deploy.</para>
/// </summary>
public sealed class SessionStore(JimpStorage storage, IOptions<AccountsOptions> options, TimeProvider clock)
{
    public const string Table = "sessions";

    /// <summary>The length of a secret of before buckets (32 random bytes, base64url).</summary>
    private const int OldSecretLength = 43;
    private const int DayLength = 8;

    public async Task<string> CreateAsync(string userId, string locale, string userAgentFamily, DateTimeOffset now, DateTimeOffset expiresAt, SessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var secret = ExpiryBuckets.Day(expiresAt)[ExpiryBuckets.Prefix.Length..] + Secrets.NewToken();
        var (partition, row) = Address(userId, KeyOf(secret));
        var table = await storage.TableAsync(Table, cancellationToken);
        // An upsert: a retry whose first attempt landed (its answer lost) writes the same new row again.
        await table.UpsertEntityAsync(new TableEntity(partition, row)
        {
            ["Locale"] = locale,
            ["CreatedAt"] = now,
            ["LastSeenAt"] = now,
            ["ExpiresAt"] = expiresAt,
            ["UserAgentFamily"] = userAgentFamily,
            ["Restricted"] = context.Restricted,
            ["Profile"] = context.ProfileJson,
            ["ObjectsToInsights"] = context.ObjectsToInsights,
        }, TableUpdateMode.Replace, cancellationToken);
        return userId + "." + secret;
    }

    /// <summary>
    /// What the app calls a session by (<see cref="SignedInUser.SessionKey"/>), from the cookie's secret part:
    /// <c>{yyyyMMdd}-{hash}</c> for a bucketed session, the hash alone for one of before buckets.
    /// </summary>
    public static string KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = Secrets.Hash(secret);
        return secret.Length == DayLength + OldSecretLength && IsDay(secret.AsSpan(0, DayLength))
            ? string.Concat(secret.AsSpan(0, DayLength), "-", hash)
            : hash;
    }

    /// <summary>The key of the session a whole cookie value (<c>{userId}.{secret}</c>) names.</summary>
    public static string KeyOfCookie(string cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        return KeyOf(cookie[(cookie.IndexOf('.', StringComparison.Ordinal) + 1)..]);
    }

    /// <summary>The row of a session: in its day's bucket, or at its old address (partition = user id).</summary>
    public static (string PartitionKey, string RowKey) Address(string userId, string sessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(sessionKey);
        return sessionKey.Length > DayLength && sessionKey[DayLength] == '-'
            ? (ExpiryBuckets.Partition(ExpiryBuckets.Prefix + sessionKey[..DayLength], userId[0]), userId + "-" + sessionKey[(DayLength + 1)..])
            : (userId, sessionKey);
    }

    private static bool IsDay(ReadOnlySpan<char> day)
    {
        foreach (var c in day)
        {
            if (c is < '0' or > '9') return false;
        }
        return true;
    }

    /// <summary>Copies the account's restriction flag and profile onto every session of the user (batches of 100 per partition).</summary>
    public async Task UpdateContextAsync(string userId, SessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await MergeAllAsync(userId, e => new TableEntity(e.PartitionKey, e.RowKey) { ["Restricted"] = context.Restricted, ["Profile"] = context.ProfileJson }, cancellationToken);
    }

    /// <summary>Copies the account's objection (Art. 21) onto every session of the user (batches of 100 per partition).</summary>
    public Task SetObjectionAsync(string userId, bool objects, CancellationToken cancellationToken) =>
        MergeAllAsync(userId, e => new TableEntity(e.PartitionKey, e.RowKey) { ["ObjectsToInsights"] = objects }, cancellationToken);

    public async Task<TableEntity?> FindAsync(string userId, string sessionKey, CancellationToken cancellationToken)
    {
        var (partition, row) = Address(userId, sessionKey);
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task TouchAsync(TableEntity session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(session.PartitionKey, session.RowKey) { ["LastSeenAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task RevokeAsync(string userId, string sessionKey, CancellationToken cancellationToken)
    {
        var (partition, row) = Address(userId, sessionKey);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
    }

    /// <summary>Deletes every session of the user, in batches of at most 100 per partition.</summary>
    public async Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(userId, ["PartitionKey", "RowKey"], cancellationToken);
        var table = await storage.TableAsync(Table, cancellationToken);
        await SubmitAsync(table, rows.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
        return rows.Count;
    }

    /// <summary>The range queries <see cref="ListAsync"/> sends now: the same filters it builds, counted.</summary>
    public int QueriesPerList => ListFilters("0", clock.GetUtcNow()).Count;

    /// <summary>
    /// Every session row of the user, expired ones not yet deleted included: one range query per day a session can
    /// still expire on, one for the days already over, one past the lifetime, one for the old-shape partition (in parallel).
    /// </summary>
    public async Task<IReadOnlyList<TableEntity>> ListAsync(string userId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var table = await storage.TableAsync(Table, cancellationToken);
        var filters = ListFilters(userId, clock.GetUtcNow());
        var columns = select?.ToList();
        var found = await Task.WhenAll(filters.Select(async filter =>
        {
            var rows = new List<TableEntity>();
            await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: columns, cancellationToken: cancellationToken)) rows.Add(e);
            return rows;
        }));
        return [.. found.SelectMany(rows => rows)];
    }

    private List<string> ListFilters(string userId, DateTimeOffset now)
    {
        var first = ExpiryBuckets.Day(now);
        var last = now + options.Value.SessionLifetime;
        string rowFirst = userId + "-", rowEnd = userId + ".";
        var filters = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {userId}"),
            TableClient.CreateQueryFilter($"PartitionKey ge {ExpiryBuckets.Prefix} and PartitionKey lt {first} and RowKey ge {rowFirst} and RowKey lt {rowEnd}"),
            TableClient.CreateQueryFilter($"PartitionKey ge {ExpiryBuckets.Day(last.AddDays(1))} and RowKey ge {rowFirst} and RowKey lt {rowEnd}"),
        };
        for (var day = now; ExpiryBuckets.Day(day).CompareTo(ExpiryBuckets.Day(last)) <= 0; day = day.AddDays(1))
        {
            var partition = ExpiryBuckets.Partition(ExpiryBuckets.Day(day), userId[0]);
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowFirst} and RowKey lt {rowEnd}"));
        }
        return filters;
    }

    private async Task MergeAllAsync(string userId, Func<TableEntity, TableEntity> patch, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(userId, ["PartitionKey", "RowKey"], cancellationToken);
        var table = await storage.TableAsync(Table, cancellationToken);
        await SubmitAsync(table, rows.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateMerge, patch(e), ETag.All)), cancellationToken);
    }

    /// <summary>A transaction is one partition: the actions grouped by partition, 100 per transaction.</summary>
    private static async Task SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk, cancellationToken);
            }
        }
    }
}

/// <summary>
/// A read a request needs right after its session check, started beside the session's read (one storage round trip
/// less in series: #17's load profile). It is keyed by the user id the cookie names, before the session is checked:
/// its result may be used only for that user once signed in; with a bogus cookie it is one wasted read.
/// </summary>
public interface ISessionPrefetch
{
    /// <summary>Starts the read for this request (method, path) when it needs one: what it returns is kept in the request's items under the prefetch's type.</summary>
    object? Start(string method, string path, string userId);
}

/// <summary>What each session carries of the account (see <see cref="SignedInUser"/>); the objection is set at sign-in and by <see cref="SessionStore.SetObjectionAsync"/>.</summary>
public sealed record SessionContext(bool Restricted, string? ProfileJson, bool ObjectsToInsights = false);

/// <summary>Who is calling: reads the session cookie, checks the session, and guards against cross-site requests.</summary>
public sealed class SessionAuth(SessionStore sessions, IOptions<AccountsOptions> options, IOptions<AppOptions> app, TimeProvider clock,
    IEnumerable<ISessionPrefetch> prefetches)
{
    public const string CookieName = "jimp_session";

    /// <summary>The signed-in user, or a 401 problem. State-changing requests must come from the app's origin (403).</summary>
    public async Task<SignedInUser> RequireUserAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await FindUserAsync(request, cancellationToken) ?? throw ProblemException.Unauthorized();
    }

    public async Task<SignedInUser?> FindUserAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadCookie(request, out var userId, out var secret)) return null;
        RequireSameOrigin(request);
        // Reads a request needs next start now, beside the session's read; used only once the session is valid.
        foreach (var prefetch in prefetches)
        {
            if (prefetch.Start(request.Method, request.Path.Value ?? "", userId) is { } started) request.HttpContext.Items[prefetch.GetType()] = started;
        }
        var key = SessionStore.KeyOf(secret);
        var session = await sessions.FindAsync(userId, key, cancellationToken);
        var now = clock.GetUtcNow();
        if (session is null || (session.GetDateTimeOffset("ExpiresAt") ?? default) <= now) return null;
        if (now - (session.GetDateTimeOffset("LastSeenAt") ?? default) >= options.Value.LastSeenInterval)
        {
            await sessions.TouchAsync(session, now, cancellationToken);
        }
        return new SignedInUser(userId, session.GetString("Locale") ?? "fr", key)
        {
            Restricted = session.GetBoolean("Restricted") ?? false,
            ObjectsToInsights = session.GetBoolean("ObjectsToInsights") ?? false,
            ProfileJson = session.GetString("Profile"),
            SessionCreatedAt = session.GetDateTimeOffset("CreatedAt") ?? default,
        };
    }

    /// <summary>A request that changes state must come from the web app itself (Origin), or carry the app's header.</summary>
    public void RequireSameOrigin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return;
        var origin = request.Headers.Origin.ToString();
        var expected = new Uri(app.Value.PublicBaseUrl).GetLeftPart(UriPartial.Authority);
        var fromApp = origin.Length > 0
            ? string.Equals(origin.TrimEnd('/'), expected, StringComparison.OrdinalIgnoreCase)
            : request.Headers["X-Requested-With"] == "jimp";
        if (!fromApp)
        {
            throw ProblemException.Forbidden("This request did not come from the JIMP app.", "cross-origin");
        }
    }

    public void SetCookie(HttpResponse response, string value, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Expires = expiresAt,
            MaxAge = expiresAt - clock.GetUtcNow(),
            IsEssential = true,
        });
    }

    public static void ClearCookie(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(CookieName, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, Path = "/" });
    }

    private static bool TryReadCookie(HttpRequest request, out string userId, out string secret)
    {
        userId = secret = "";
        if (!request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value)) return false;
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == value.Length - 1) return false;
        userId = value[..dot];
        secret = value[(dot + 1)..];
        // A user id is 32 lowercase hex characters; anything else is not ours.
        return userId.Length == 32 && userId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f') && secret.Length <= 64;
    }
}
