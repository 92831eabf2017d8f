using System.Reflection;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Accounts;

/// <summary>
/// Authentication, declared once: before any HTTP function runs, the session is checked unless the function is
/// <see cref="Platform.PublicEndpointAttribute">public</see> or key-protected (<see cref="EndpointAccessRules"/>).
/// The worker runs it as middleware; the DevHost calls <see cref="AuthenticateAsync"/> at the same point.
/// Functions read the result with <see cref="SignedInUserExtensions.SignedInUser"/>.
/// </summary>
public sealed class AuthenticationMiddleware : IFunctionsWorkerMiddleware
{
    private static readonly IReadOnlyDictionary<string, MethodInfo> Functions = EndpointAccessRules.HttpFunctions(typeof(AuthenticationMiddleware).Assembly);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            // A function the app does not know (none today) is treated as needing a session: deny by default.
            var access = Functions.TryGetValue(context.FunctionDefinition.Name, out var method) ? EndpointAccessRules.Of(method) : EndpointAccess.SignedIn;
            await AuthenticateAsync(http, access, context.InstanceServices.GetRequiredService<SessionAuth>(), context.CancellationToken);
        }
        await next(context);
    }

    /// <summary>Signs the request in (or answers 401) when <paramref name="access"/> says a session is needed.</summary>
    public static async Task AuthenticateAsync(HttpContext http, EndpointAccess access, SessionAuth auth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        if (access != EndpointAccess.SignedIn) return;
        http.Items[typeof(SignedInUser)] = await auth.RequireUserAsync(http.Request, cancellationToken);
    }
}

public static class SignedInUserExtensions
{
    /// <summary>The user the authentication middleware signed in for this request.</summary>
    /// <exception cref="InvalidOperationException">The function is public or key-protected, so nobody was signed in.</exception>
    public static SignedInUser SignedInUser(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Items.TryGetValue(typeof(SignedInUser), out var user) && user is SignedInUser signedIn
            ? signedIn
            : throw new InvalidOperationException("No signed-in user: this function is public or key-protected, so the authentication middleware did not sign anyone in.");
    }
}
