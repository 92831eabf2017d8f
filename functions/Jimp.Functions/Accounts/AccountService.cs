using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using Azure;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Accounts;

public sealed record LinkRequest(
    [property: Required(ErrorMessage = "Enter your e-mail address.")] string? Email,
    [property: RegularExpression("^(fr|en)$", ErrorMessage = "locale must be fr or en.")] string? Locale,
    bool AgeConfirmed,
    string? AcceptedPolicyVersion,
    string? AcceptedTermsVersion = null);

/// <param name="Token">The token from the e-mailed link.</param>
/// <param name="ReplaceSession">
/// Set once the person has confirmed, on a page that showed who is signed in, that this link may sign this
/// browser out of another account. Without it such a sign-in is refused (409 <c>session-conflict</c>).
/// </param>
public sealed record VerifyRequest([property: Required, StringLength(64, MinimumLength = 20)] string? Token, bool ReplaceSession = false);

public sealed record EmailChangeRequest([property: Required(ErrorMessage = "Enter the new e-mail address.")] string? NewEmail);

/// <summary>What <c>/api/me</c> and a successful sign-in return.</summary>
public sealed record UserSummary(
    string UserId,
    string Email,
    string Locale,
    DateTimeOffset CreatedAt,
    string AcceptedPolicyVersion,
    string CurrentPolicyVersion,
    bool NewerPolicyAwaits,
    UpcomingPolicy? UpcomingPolicy,
    bool Restricted,
    bool ObjectsToInsights,
    bool Operator,
    UpcomingPolicy? UpcomingTerms = null);

/// <summary>The next version of the policy (or of the CGU, <c>upcomingTerms</c>) with the first day it is in force: the app announces it.</summary>
public sealed record UpcomingPolicy(string Version, DateOnly Effective, bool Material);

/// <summary>A session the function must give the browser (the cookie's value and when it ends).</summary>
public sealed record NewSession(string Cookie, DateTimeOffset ExpiresAt);

/// <summary>What a followed link did; <see cref="Session"/> is set when it signed in.</summary>
public sealed record VerifyResult(VerifyOutcome Outcome, UserSummary User, NewSession? Session);

public enum VerifyOutcome
{
    SignedIn,
    EmailChanged,
}

/// <summary>Sign-up and sign-in by e-mailed link, sessions, and the change of address.</summary>
public sealed class AccountService(
    AccountStore accounts,
    SignInTokens tokens,
    SessionStore sessions,
    SecurityLog securityLog,
    RateLimits rateLimits,
    IEmailSender email,
    PolicyCalendar policies,
    TermsOfUse terms,
    Coaching.ProfileStore profiles,
    IOptions<AccountsOptions> options,
    IOptions<AppOptions> app,
    TimeProvider clock,
    MinorBlocklist blocklist,
    OperatorDirectory operators,
    ILogger<AccountService> logger)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Sends a sign-in link. Every request must confirm the minimum age and accept the current policy, whether
    /// or not the address has an account, so the answer never tells whether it has one.
    /// The function has checked that the request comes from the app (Origin).
    /// </summary>
    public async Task RequestLinkAsync(LinkRequest body, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(client);
        if (!email.IsConfigured) throw new EmailNotConfiguredException(); // 503 before anything is stored
        var address = ValidateEmail(body.Email, "email");
        var locale = body.Locale ?? "fr";
        var current = (await policies.CurrentAsync(cancellationToken)).Version;
        var errors = new Dictionary<string, string[]>();
        if (!body.AgeConfirmed)
        {
            errors["ageConfirmed"] = [$"JIMP is for people aged {options.Value.MinimumAge} or older: confirm your age to continue."];
        }
        if (body.AcceptedPolicyVersion != current)
        {
            errors["acceptedPolicyVersion"] = [$"Read the privacy policy, version {current}."];
        }
        // The CGU are the contract: accepted on every link request, like the policy is acknowledged.
        var currentTerms = (await terms.CurrentAsync(cancellationToken)).Version;
        if (body.AcceptedTermsVersion != currentTerms)
        {
            errors["acceptedTermsVersion"] = [$"Accept the terms of use (CGU), version {currentTerms}."];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var ipKey = RateLimits.IpKey("link-ip", client);
        await rateLimits.HitAsync(ipKey, options.Value.LinksPerIpPerHour, Hour, cancellationToken);
        await rateLimits.HitAsync(RateLimits.EmailKey(address), options.Value.LinksPerAddressPerHour, Hour, cancellationToken);

        if (await blocklist.IsBlockedAsync(address, cancellationToken))
        {
            // A flagged minor's address gets no link; the answer is the same as for any address.
            await securityLog.WriteAsync(SecurityEvents.SignInFailed, null, client, "blocked", cancellationToken);
            return;
        }
        var userId = await accounts.FindUserIdByEmailAsync(address, cancellationToken);
        var expiresAt = clock.GetUtcNow() + options.Value.SignInLinkLifetime;
        var token = await tokens.CreateAsync(TokenPurpose.SignIn, address, userId, locale, current, expiresAt, cancellationToken, termsVersion: currentTerms);
        try
        {
            await email.SendAsync(AccountEmails.SignInLink(address, locale, Link("verify", token), options.Value.SignInLinkLifetime), cancellationToken);
        }
        catch (EmailUnavailableException)
        {
            // No link went out: the person may ask again as soon as e-mail is back. (The unused token expires.)
            await rateLimits.UndoAsync(RateLimits.EmailKey(address), Hour, CancellationToken.None);
            await rateLimits.UndoAsync(ipKey, Hour, CancellationToken.None);
            throw ProblemException.EmailUnavailable();
        }
        await securityLog.WriteAsync(SecurityEvents.LinkRequested, userId, client, cancellationToken: cancellationToken);
    }

    /// <summary>Uses a link's token: signs in (creating the account on first use) or confirms a new address.</summary>
    /// <remarks>
    /// Login CSRF: someone's own sign-in link, opened in a victim's browser, must not silently move the victim
    /// into that account (the victim's next chats would be stored there). A sign-in link for another account than
    /// the browser's current session is refused, unused, until the person confirms (<paramref name="replaceSession"/>);
    /// the web app asks, showing who is signed in, and posts only on a click.
    /// <paramref name="current"/> is the browser's session, if any (the function reads it, after the Origin check);
    /// the function sets the cookie of the returned <see cref="VerifyResult.Session"/>.
    /// </remarks>
    public async Task<VerifyResult> VerifyAsync(string token, bool replaceSession, SignedInUser? current, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await rateLimits.HitAsync(RateLimits.IpKey("verify-ip", client), options.Value.VerificationsPerIpPerHour, Hour, cancellationToken);
        var now = clock.GetUtcNow();
        var (check, link) = await tokens.CheckAsync(token, now, cancellationToken, TokenPurpose.SignIn, TokenPurpose.EmailChange);
        if (check != TokenCheck.Valid) throw await RefusedAsync(check, link, client, cancellationToken);
        if (current is not null && !replaceSession && link!.Purpose == TokenPurpose.SignIn
            && (link.UserId ?? await accounts.FindUserIdByEmailAsync(link.Email, cancellationToken)) != current.UserId)
        {
            throw new ProblemException(409, "Signed in to another account.",
                "This browser is signed in to another JIMP account. Confirm that you want to sign out of it and use this link.") { Code = "session-conflict" };
        }
        if (await blocklist.IsBlockedAsync(link!.Email, cancellationToken))
        {
            if (!await tokens.SpendAsync(token, link, now, sessionKey: null, cancellationToken)) throw await RefusedAsync(TokenCheck.Used, link, client, cancellationToken);
            await securityLog.WriteAsync(SecurityEvents.SignInFailed, link.UserId, client, "blocked", cancellationToken);
            throw ProblemException.Forbidden("This address can no longer be used with JIMP.", "address-blocked");
        }
        if (link.Purpose == TokenPurpose.EmailChange)
        {
            if (!await tokens.SpendAsync(token, link, now, sessionKey: null, cancellationToken)) throw await RefusedAsync(TokenCheck.Used, link, client, cancellationToken);
            return new VerifyResult(VerifyOutcome.EmailChanged, await CompleteEmailChangeAsync(link, client, cancellationToken), null);
        }

        // A sign-in spends its link last, together with the session it made: a failure before (storage down) leaves the
        // link usable, so the person's retry signs in once storage is back, and only the caller that spends it keeps
        // its session (two browsers with one link: one session). Everything before the spend is safe to do again.
        var userId = link.UserId ?? await accounts.FindUserIdByEmailAsync(link.Email, cancellationToken);
        var account = userId is null ? null : await accounts.GetAsync(userId, cancellationToken);
        if (account is null)
        {
            // A new address, or a link or index entry whose account no longer exists (erased, or orphaned by a crash).
            // Its id comes from the link: a retry of this link finishes the account an earlier attempt began.
            userId = await accounts.CreateAsync(new Account(AccountStore.NewUserIdFor(link), link.Email, link.Locale, now, now, link.PolicyVersion, now, now, false, false, false), cancellationToken);
            account = await accounts.GetAsync(userId, cancellationToken) ?? throw SignUpUnderWay();
        }
        if (account.ErasingSince is not null) throw AccountBeingErased();
        // Signing in with a newer accepted version records that explicit acceptance; nothing is accepted by use alone.
        account = account with
        {
            LastSignInAt = now,
            AcceptedPolicyVersion = IsNewer(link.PolicyVersion, account.AcceptedPolicyVersion) ? link.PolicyVersion : account.AcceptedPolicyVersion,
            AcceptedPolicyAt = IsNewer(link.PolicyVersion, account.AcceptedPolicyVersion) ? now : account.AcceptedPolicyAt,
        };
        if (!await accounts.UpdateAsync(account, cancellationToken)) throw AccountBeingErased();
        if (link.TermsVersion is { Length: > 0 } acceptedTerms) await accounts.AcceptTermsAsync(account.UserId, acceptedTerms, now, cancellationToken);
        // An operator's session is short, whatever the general session lifetime.
        var lifetime = operators.IsOperator(account.Email) && operators.SessionLifetime < options.Value.SessionLifetime ? operators.SessionLifetime : options.Value.SessionLifetime;
        var expiresAt = now + lifetime;
        var context = new SessionContext(account.Restricted, await profiles.GetJsonAsync(account.UserId, cancellationToken), account.ObjectsToInsights);
        var cookie = await sessions.CreateAsync(account.UserId, account.Locale, client.UserAgentFamily, now, expiresAt, context, cancellationToken);
        var sessionKey = SessionStore.KeyOfCookie(cookie);
        bool spent;
        try
        {
            // An erasure marks the account before it deletes the sessions: one that started before this session existed
            // shows here, and this session ends with it; one that starts later deletes this session itself.
            if ((await accounts.GetAsync(account.UserId, cancellationToken))?.ErasingSince is not null) throw AccountBeingErased();
            var summary = await SummariseAsync(account, cancellationToken);
            spent = await tokens.SpendAsync(token, link, now, sessionKey, cancellationToken);
            if (spent)
            {
                // The new cookie replaces the browser's session: the one it replaces ends here, it is not left live.
                if (current is not null) await sessions.RevokeAsync(current.UserId, current.SessionKey, cancellationToken);
                await WriteSignInAsync(account.UserId, client);
                return new VerifyResult(VerifyOutcome.SignedIn, summary, new NewSession(cookie, expiresAt));
            }
        }
        catch (Exception)
        {
            // Not signed in (storage down, or the account being erased): the session this call made never reaches a browser.
            await RevokeUnusedAsync(account.UserId, sessionKey);
            throw;
        }
        await RevokeUnusedAsync(account.UserId, sessionKey);
        throw await RefusedAsync(TokenCheck.Used, link, client, cancellationToken);
    }

    /// <summary>The answer to a link that cannot be used (and its line in the security log).</summary>
    private async Task<ProblemException> RefusedAsync(TokenCheck check, SignInToken? link, ClientInfo client, CancellationToken cancellationToken)
    {
        await securityLog.WriteAsync(SecurityEvents.SignInFailed, link?.UserId, client, check.ToString().ToLowerInvariant(), cancellationToken);
        return check switch
        {
            TokenCheck.Expired => ProblemException.BadRequest("This link has expired (links work for 15 minutes). Ask for a new one.", "token-expired"),
            TokenCheck.Used => ProblemException.BadRequest("This link has already been used. Ask for a new one.", "token-used"),
            _ => ProblemException.BadRequest("This link is not valid. Ask for a new one.", "token-invalid"),
        };
    }

    /// <summary>Deletes a session that was made but not handed out (best effort: its cookie is known to no one).</summary>
    private async Task RevokeUnusedAsync(string userId, string sessionKey)
    {
        try
        {
            await sessions.RevokeAsync(userId, sessionKey, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            logger.LogWarning("A session made by a sign-in that did not complete was left for expiry (user {UserId})", userId);
        }
    }

    /// <summary>The sign-in's line in the security log: the person is signed in by now, so a failure here only loses the line.</summary>
    private async Task WriteSignInAsync(string userId, ClientInfo client)
    {
        try
        {
            await securityLog.WriteAsync(SecurityEvents.SignInSucceeded, userId, client, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            logger.LogWarning("The security log line of a sign-in could not be written (user {UserId})", userId);
        }
    }

    public async Task<UserSummary> GetSummaryAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        return await SummariseAsync(account, cancellationToken);
    }

    /// <summary>Ends this session (the function clears the cookie).</summary>
    public async Task LogoutAsync(SignedInUser user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(client);
        await sessions.RevokeAsync(user.UserId, user.SessionKey, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.SessionRevoked, user.UserId, client, cancellationToken: cancellationToken);
    }

    /// <summary>Signs out everywhere: every session of the user, this one included (the function clears the cookie).</summary>
    public async Task<int> LogoutAllAsync(SignedInUser user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(client);
        var count = await sessions.RevokeAllAsync(user.UserId, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.AllSessionsRevoked, user.UserId, client, count.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return count;
    }

    /// <summary>Sends a confirmation link to the new address; the change happens only when it is followed.</summary>
    /// <remarks>
    /// Whether or not the new address already has an account, the work is the same (a link is stored, one
    /// e-mail is sent, the same answer is returned): an address that has an account gets a notice that someone
    /// tried to use it, without the link. Limits of its own, per session, per account and per target address,
    /// keep this from mailing any number of addresses, and never touch the target's sign-in links.
    /// </remarks>
    public async Task RequestEmailChangeAsync(SignedInUser user, EmailChangeRequest body, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(client);
        var address = ValidateEmail(body.NewEmail, "newEmail");
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        if (AccountStore.NormaliseEmail(address) == account.Email)
        {
            throw RequestValidationException.For("newEmail", "This is already your address.");
        }
        await rateLimits.HitAsync("change-session:" + user.SessionKey, options.Value.EmailChangesPerSessionPerHour, Hour, cancellationToken);
        await rateLimits.HitAsync(RateLimits.AccountKey(user.UserId), options.Value.EmailChangesPerAccountPerDay, TimeSpan.FromDays(1), cancellationToken);
        await rateLimits.HitAsync(RateLimits.EmailChangeTargetKey(address), options.Value.EmailChangesPerTargetPerHour, Hour, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.EmailChangeRequested, user.UserId, client, cancellationToken: cancellationToken);
        // A taken or blocked address gets a notice without a link: the same work and the same answer either way.
        // Both reads always (no short circuit), or a taken address would answer one storage request sooner.
        var owner = await accounts.FindUserIdByEmailAsync(address, cancellationToken);
        var blocked = await blocklist.IsBlockedAsync(address, cancellationToken);
        var taken = owner is not null || blocked;
        var lifetime = options.Value.SignInLinkLifetime;
        // Stored in both cases, so both cost the same; a link never sent expires unused (and could not take the address).
        var token = await tokens.CreateAsync(TokenPurpose.EmailChange, address, user.UserId, account.Locale, account.AcceptedPolicyVersion, clock.GetUtcNow() + lifetime, cancellationToken);
        await email.SendAsync(taken
            ? AccountEmails.AddressInUseNotice(address, account.Locale)
            : AccountEmails.EmailChangeLink(address, account.Locale, Link("verify", token), lifetime), cancellationToken);
    }

    private async Task<UserSummary> CompleteEmailChangeAsync(SignInToken link, ClientInfo client, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(link.UserId!, cancellationToken) ?? throw ProblemException.BadRequest("This link is not valid. Ask for a new one.", "token-invalid");
        if (account.ErasingSince is not null) throw AccountBeingErased();
        var oldAddress = account.Email;
        switch (await accounts.ChangeEmailAsync(account, link.Email, clock.GetUtcNow(), cancellationToken))
        {
            case EmailChange.Taken:
                throw new ProblemException(409, "Address already in use.", "This address already belongs to another JIMP account.") { Code = "email-taken" };
            case EmailChange.AccountGone:
                throw AccountBeingErased();
        }
        await securityLog.WriteAsync(SecurityEvents.EmailChanged, account.UserId, client, cancellationToken: cancellationToken);
        await email.SendAsync(account.Locale == "en"
            ? AccountEmails.Notice(oldAddress, "Your JIMP e-mail address was changed", "Hello,", "Your JIMP account now uses another e-mail address. If it was not you, write to the contact address in the privacy policy.")
            : AccountEmails.Notice(oldAddress, "L'adresse e-mail de votre compte JIMP a changé", "Bonjour,", "Votre compte JIMP utilise désormais une autre adresse e-mail. Si ce n'était pas vous, écrivez à l'adresse de contact indiquée dans la politique de confidentialité."),
            cancellationToken);
        return await SummariseAsync(account with { Email = AccountStore.NormaliseEmail(link.Email) }, cancellationToken);
    }

    public async Task<UserSummary> SummariseAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var schedule = await policies.GetAsync(cancellationToken);
        var current = schedule.Current(Today);
        var upcoming = schedule.Upcoming(Today);
        return new UserSummary(
            account.UserId, account.Email, account.Locale, account.CreatedAt, account.AcceptedPolicyVersion, current.Version,
            IsNewer(current.Version, account.AcceptedPolicyVersion),
            upcoming is null ? null : new UpcomingPolicy(upcoming.Version, schedule.InForceFrom(upcoming)!.Value, upcoming.Material),
            account.Restricted, account.ObjectsToInsights, operators.IsOperator(account.Email),
            // The CGU's next version is announced in the app too, once its announcement mailing has completed.
            await UpcomingTermsAsync(cancellationToken));
    }

    private async Task<UpcomingPolicy?> UpcomingTermsAsync(CancellationToken cancellationToken)
    {
        var schedule = await terms.ScheduleAsync(cancellationToken);
        return schedule.Upcoming(Today) is { } next ? new UpcomingPolicy(next.Version, schedule.InForceFrom(next)!.Value, next.Material) : null;
    }

    private static ProblemException AccountBeingErased() =>
        new(409, "Account being deleted.", "This JIMP account is being deleted. Once it is done, you can sign up again with the same address.") { Code = "account-erasing" };

    /// <summary>Another link for this new address is creating its account at this moment (or did so less than
    /// <see cref="AccountStore.OrphanAge"/> ago and stopped half-way): this link works once it is done.</summary>
    private static ProblemException SignUpUnderWay() =>
        new(409, "Account being created.", "Another sign-in link for this address is creating its JIMP account right now. Try this link again in a minute.") { Code = "signup-in-progress", RetryAfterSeconds = 60 };

    private Uri Link(string page, string token) => new($"{app.Value.PublicBaseUrl.TrimEnd('/')}/#/{page}?token={token}");

    private static bool IsNewer(string candidate, string than) =>
        Version.TryParse(candidate, out var a) && (!Version.TryParse(than, out var b) || a > b);

    public static string ValidateEmail(string? value, string field)
    {
        var address = value?.Trim() ?? "";
        if (address.Length is 0 or > 254 || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !address.Contains('.', StringComparison.Ordinal))
        {
            throw RequestValidationException.For(field, "Enter a valid e-mail address.");
        }
        return address;
    }
}
