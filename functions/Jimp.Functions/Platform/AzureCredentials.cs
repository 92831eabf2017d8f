using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Jimp.Functions.Platform;

/// <summary>
/// The app's one <see cref="TokenCredential"/>, shared by storage, Azure OpenAI and the telemetry exporter. In Azure,
/// Bicep sets <c>AZURE_CLIENT_ID</c> to the user-assigned identity's client id: that identity is used directly
/// (<see cref="ManagedIdentityCredential"/>, no chain of probes, no fallback to another identity). On a developer's
/// machine (no client id), <see cref="DefaultAzureCredential"/> finds the developer's own sign-in (az, azd, IDE).
/// </summary>
public static class AzureCredentials
{
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    public static TokenCredential Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var clientId = configuration[ClientIdSetting];
        return string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeManagedIdentityCredential = true })
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
