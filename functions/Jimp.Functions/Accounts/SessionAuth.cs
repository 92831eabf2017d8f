using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Accounts;

// placeholder until the accounts branch lands
public sealed class SessionAuth
{
    public Task<SignedInUser> RequireUserAsync(HttpRequest request, CancellationToken cancellationToken) => throw ProblemException.Unauthorized();
}

public sealed record SignedInUser(string UserId, string Locale);
