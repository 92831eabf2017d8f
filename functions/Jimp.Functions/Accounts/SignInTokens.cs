using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Accounts;

public enum TokenPurpose
{
    SignIn,
    EmailChange,

    /// <summary>Confirms a request received by e-mail (the identity check: a link to the account's own address).</summary>
    RequestConfirmation,
}

/// <summary>What a link's token stands for. Only the token's hash is ever stored.</summary>
public sealed record SignInToken(
    string TokenHash,
    TokenPurpose Purpose,
    string Email,
    string? UserId,
    string Locale,
    string PolicyVersion,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt,
    ETag ETag,
    string? RequestId = null,
    string? TermsVersion = null);

public enum TokenCheck
{
    Valid,
    Unknown,
    Expired,
    Used,
}

/// <summary>
/// The <c>signintokens</c> table: one entity per link, partition = SHA-256 of the token; 15 minutes, single use.
/// The address is never stored in clear: it is sealed (AES-256-GCM) under a key derived from the raw token, which
/// only the e-mail holds, beside a keyed hash of it so that erasure finds the person's pending links. Rows go at the
/// first housekeeping run after their expiry (hourly), used or not.
/// <para>A link's row is in the expiry bucket of its hour (<see cref="ExpiryBuckets"/>): the token starts with that hour
/// (<c>yyyyMMddHH</c>, 10 digits, then 43 random characters), the row is partition <c>x{hour}-{first hex of the hash}</c>,
/// row = the token's hash. Reading a link stays one point read; housekeeping deletes the hours that are over by key
/// range. A token of before (43 characters) is read at its old address (partition = hash, row <c>token</c>).</para>
/// </summary>
public sealed class SignInTokens(JimpStorage storage, KeyedHash keyedHash)
{
    /// <summary>The keyed hash under which a link's address is found (erasure of pending links).</summary>
    public static string EmailKeyOf(KeyedHash keyedHash, string email)
    {
        ArgumentNullException.ThrowIfNull(keyedHash);
        return keyedHash.Hash(KeyedHashPurposes.SignInEmail, AccountStore.NormaliseEmail(email));
    }

    public const string Table = "signintokens";
    private const string Row = "token";

    /// <summary>Stores a new link and returns the raw token (to put in the e-mail, never stored).</summary>
    /// <param name="termsVersion">The version of the terms of use (CGU) accepted with this link's request; recorded on the account when it is used.</param>
    public async Task<string> CreateAsync(TokenPurpose purpose, string email, string? userId, string locale, string policyVersion, DateTimeOffset expiresAt, CancellationToken cancellationToken, string? requestId = null, string? termsVersion = null)
    {
        var token = ExpiryBuckets.Hour(expiresAt)[ExpiryBuckets.Prefix.Length..] + Secrets.NewToken();
        var (partition, row) = AddressOf(token);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(new TableEntity(partition, row)
        {
            ["Purpose"] = purpose.ToString(),
            ["SealedEmail"] = Seal(token, AccountStore.NormaliseEmail(email)),
            ["EmailKey"] = EmailKeyOf(keyedHash, email),
            ["UserId"] = userId,
            ["Locale"] = locale,
            ["PolicyVersion"] = policyVersion,
            ["ExpiresAt"] = expiresAt,
            ["RequestId"] = requestId,
            ["TermsVersion"] = termsVersion,
        }, cancellationToken);
        return token;
    }

    /// <summary>Reads a link without using it: the link when it is still usable, otherwise null.</summary>
    public async Task<SignInToken?> PeekAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (_, _, parsed) = await FindAsync(token, cancellationToken);
        return parsed is { UsedAt: null } && parsed.ExpiresAt > now ? parsed : null;
    }

    /// <summary>The stored link of a token (its row, and the row read as a <see cref="SignInToken"/>), whatever its state.</summary>
    private async Task<(TableClient Table, TableEntity? Entity, SignInToken? Token)> FindAsync(string token, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var (partition, row) = AddressOf(token);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        if (!found.HasValue) return (table, null, null);
        var e = found.Value!;
        return (table, e, new SignInToken(
            Secrets.Hash(token),
            Enum.Parse<TokenPurpose>(e.GetString("Purpose")),
            Open(token, e.GetString("SealedEmail")) ?? e.GetString("Email") ?? "",
            e.GetString("UserId"),
            e.GetString("Locale") ?? "fr",
            e.GetString("PolicyVersion") ?? "",
            e.GetDateTimeOffset("ExpiresAt") ?? default,
            e.GetDateTimeOffset("UsedAt"),
            e.ETag,
            e.GetString("RequestId"),
            e.GetString("TermsVersion")));
    }

    /// <summary>Checks a token and, when valid, marks it used (only one caller can win the race).</summary>
    public async Task<(TokenCheck Check, SignInToken? Token)> ConsumeAsync(string token, DateTimeOffset now, CancellationToken cancellationToken, params TokenPurpose[] accepted)
    {
        var (check, link) = await CheckAsync(token, now, cancellationToken, accepted);
        if (check != TokenCheck.Valid) return (check, link);
        return await SpendAsync(token, link!, now, sessionKey: null, cancellationToken) ? (TokenCheck.Valid, link) : (TokenCheck.Used, link);
    }

    /// <summary>Checks a token without spending it: <see cref="TokenCheck.Valid"/> with the link when it can be used now.</summary>
    /// <remarks>A link made for another purpose than <paramref name="accepted"/> is <see cref="TokenCheck.Unknown"/>: to this caller it does not exist.</remarks>
    public async Task<(TokenCheck Check, SignInToken? Token)> CheckAsync(string token, DateTimeOffset now, CancellationToken cancellationToken, params TokenPurpose[] accepted)
    {
        var (_, _, parsed) = await FindAsync(token, cancellationToken);
        if (parsed is null) return (TokenCheck.Unknown, null);
        if (accepted.Length > 0 && !accepted.Contains(parsed.Purpose)) return (TokenCheck.Unknown, null);
        if (parsed.UsedAt is not null) return (TokenCheck.Used, parsed);
        if (parsed.ExpiresAt <= now) return (TokenCheck.Expired, parsed);
        return (TokenCheck.Valid, parsed);
    }

    /// <summary>
    /// Spends a link read by <see cref="CheckAsync"/> unless it changed since (its ETag): true when this call spent it,
    /// false when another did (only one caller can win the race). The address goes with it (no longer needed).
    /// </summary>
    /// <param name="sessionKey">
    /// The session this link signed in, recorded on the spent row: when the answer to this write is lost and the SDK's
    /// retry meets the row it already wrote (412), the row tells that this caller spent it.
    /// </param>
    public async Task<bool> SpendAsync(string token, SignInToken link, DateTimeOffset now, string? sessionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var table = await storage.TableAsync(Table, cancellationToken);
        var (partition, row) = AddressOf(token);
        // Replaced whole, so that no column of the address (sealed, or in clear on rows of before) is left.
        var used = new TableEntity(partition, row)
        {
            ["Purpose"] = link.Purpose.ToString(),
            ["EmailKey"] = EmailKeyOf(keyedHash, link.Email),
            ["UserId"] = link.UserId,
            ["Locale"] = link.Locale,
            ["PolicyVersion"] = link.PolicyVersion,
            ["ExpiresAt"] = link.ExpiresAt,
            ["RequestId"] = link.RequestId,
            ["TermsVersion"] = link.TermsVersion,
            ["UsedAt"] = now,
            ["SessionKey"] = sessionKey,
        };
        try
        {
            await table.UpdateEntityAsync(used, link.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            if (sessionKey is null) return false;
            var (_, entity, _) = await FindAsync(token, cancellationToken);
            return entity?.GetString("SessionKey") == sessionKey;
        }
    }

    private const int BucketDigits = 10;

    /// <summary>The row of a token: in its expiry hour's bucket, or at the old address for a token of before buckets.</summary>
    private static (string Partition, string Row) AddressOf(string token)
    {
        var hash = Secrets.Hash(token);
        var bucketed = token.Length > BucketDigits + 40 && token.AsSpan(0, BucketDigits).IndexOfAnyExceptInRange('0', '9') < 0;
        return bucketed ? (ExpiryBuckets.Partition(ExpiryBuckets.Prefix + token[..BucketDigits], hash[0]), hash) : (hash, Row);
    }

    /// <summary>AES-256-GCM under HKDF-SHA256(token): base64 of nonce (12) | ciphertext | tag (16).</summary>
    private static string Seal(string token, string email)
    {
        var plain = Encoding.UTF8.GetBytes(email);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(SealKey(token), tag.Length)) aes.Encrypt(nonce, plain, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    private static string? Open(string token, string? sealedEmail)
    {
        if (string.IsNullOrEmpty(sealedEmail)) return null;
        var bytes = Convert.FromBase64String(sealedEmail);
        var plain = new byte[bytes.Length - 28];
        using (var aes = new AesGcm(SealKey(token), 16)) aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, plain.Length), bytes.AsSpan(12 + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] SealKey(string token) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token), 32, info: "jimp-signin-email"u8.ToArray());
}
