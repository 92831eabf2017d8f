namespace Jimp.Functions.Platform;

/// <summary>
/// Marks an HTTP function that answers without a signed-in user, on purpose. The authorization matrix test
/// fails for any HTTP function that carries neither this attribute nor a row in the matrix.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PublicEndpointAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
