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
    string? RequestId = null);

public enum TokenCheck
{
    Valid,
    Unknown,
    Expired,
    Used,
}

/// <summary>The <c>signintokens</c> table: one entity per link, partition = SHA-256 of the token; 15 minutes, single use.</summary>
public sealed class SignInTokens(JimpStorage storage)
{
    public const string Table = "signintokens";
    private const string Row = "token";

    /// <summary>Stores a new link and returns the raw token (to put in the e-mail, never stored).</summary>
    public async Task<string> CreateAsync(TokenPurpose purpose, string email, string? userId, string locale, string policyVersion, DateTimeOffset expiresAt, CancellationToken cancellationToken, string? requestId = null)
    {
        var token = Secrets.NewToken();
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(new TableEntity(Secrets.Hash(token), Row)
        {
            ["Purpose"] = purpose.ToString(),
            ["Email"] = AccountStore.NormaliseEmail(email),
            ["UserId"] = userId,
            ["Locale"] = locale,
            ["PolicyVersion"] = policyVersion,
            ["ExpiresAt"] = expiresAt,
            ["RequestId"] = requestId,
        }, cancellationToken);
        return token;
    }

    /// <summary>Checks a token and, when valid, marks it used (only one caller can win the race).</summary>
    public async Task<(TokenCheck Check, SignInToken? Token)> ConsumeAsync(string token, DateTimeOffset now, CancellationToken cancellationToken, params TokenPurpose[] accepted)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Secrets.Hash(token), Row, cancellationToken: cancellationToken);
        if (!found.HasValue) return (TokenCheck.Unknown, null);
        var e = found.Value!;
        var parsed = new SignInToken(
            e.PartitionKey,
            Enum.Parse<TokenPurpose>(e.GetString("Purpose")),
            e.GetString("Email"),
            e.GetString("UserId"),
            e.GetString("Locale") ?? "fr",
            e.GetString("PolicyVersion") ?? "",
            e.GetDateTimeOffset("ExpiresAt") ?? default,
            e.GetDateTimeOffset("UsedAt"),
            e.ETag,
            e.GetString("RequestId"));
        // A link made for another purpose is not spent here: to this caller it does not exist.
        if (accepted.Length > 0 && !accepted.Contains(parsed.Purpose)) return (TokenCheck.Unknown, null);
        if (parsed.UsedAt is not null) return (TokenCheck.Used, parsed);
        if (parsed.ExpiresAt <= now) return (TokenCheck.Expired, parsed);
        e["UsedAt"] = now;
        // The address is no longer needed once the link is used.
        e["Email"] = null;
        try
        {
            await table.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return (TokenCheck.Used, parsed);
        }
        return (TokenCheck.Valid, parsed);
    }
}
