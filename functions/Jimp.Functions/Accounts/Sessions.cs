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
/// Sessions: one cookie <c>jimp_session</c> = <c>{userId}.{256-bit secret}</c>; the <c>sessions</c> table keeps
/// one entity per session (partition = user id, row = SHA-256 of the secret), so checking a request is one
/// point read and "sign out everywhere" is one partition.
/// </summary>
public sealed class SessionStore(JimpStorage storage)
{
    public const string Table = "sessions";

    public async Task<string> CreateAsync(string userId, string locale, string userAgentFamily, DateTimeOffset now, DateTimeOffset expiresAt, SessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var secret = Secrets.NewToken();
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(new TableEntity(userId, Secrets.Hash(secret))
        {
            ["Locale"] = locale,
            ["CreatedAt"] = now,
            ["LastSeenAt"] = now,
            ["ExpiresAt"] = expiresAt,
            ["UserAgentFamily"] = userAgentFamily,
            ["Restricted"] = context.Restricted,
            ["Profile"] = context.ProfileJson,
            ["ObjectsToInsights"] = context.ObjectsToInsights,
        }, cancellationToken);
        return userId + "." + secret;
    }

    /// <summary>Copies the account's restriction flag and profile onto every session of the user (batches of 100).</summary>
    public async Task UpdateContextAsync(string userId, SessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var table = await storage.TableAsync(Table, cancellationToken);
        var updates = new List<TableTransactionAction>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            var patch = new TableEntity(e.PartitionKey, e.RowKey) { ["Restricted"] = context.Restricted, ["Profile"] = context.ProfileJson };
            updates.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, patch, ETag.All));
        }
        foreach (var chunk in updates.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    /// <summary>Copies the account's objection (Art. 21) onto every session of the user (batches of 100).</summary>
    public async Task SetObjectionAsync(string userId, bool objects, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var updates = new List<TableTransactionAction>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            updates.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(e.PartitionKey, e.RowKey) { ["ObjectsToInsights"] = objects }, ETag.All));
        }
        foreach (var chunk in updates.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    public async Task<TableEntity?> FindAsync(string userId, string secretHash, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, secretHash, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task TouchAsync(TableEntity session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(session.PartitionKey, session.RowKey) { ["LastSeenAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task RevokeAsync(string userId, string secretHash, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.DeleteEntityAsync(userId, secretHash, ETag.All, cancellationToken);
    }

    /// <summary>Deletes every session of the user, in batches of at most 100 (one partition).</summary>
    public async Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var keys = new List<TableTransactionAction>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All));
        }
        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
        return keys.Count;
    }
}

/// <summary>What each session carries of the account (see <see cref="SignedInUser"/>); the objection is set at sign-in and by <see cref="SessionStore.SetObjectionAsync"/>.</summary>
public sealed record SessionContext(bool Restricted, string? ProfileJson, bool ObjectsToInsights = false);

/// <summary>Who is calling: reads the session cookie, checks the session, and guards against cross-site requests.</summary>
public sealed class SessionAuth(SessionStore sessions, IOptions<AccountsOptions> options, IOptions<AppOptions> app, TimeProvider clock)
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
        var key = Secrets.Hash(secret);
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
