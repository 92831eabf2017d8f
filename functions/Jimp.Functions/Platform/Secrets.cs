using System.Security.Cryptography;
using System.Text;

namespace Jimp.Functions.Platform;

/// <summary>Random tokens and one-way hashes: what JIMP stores instead of a token, a session id or an address.</summary>
public static class Secrets
{
    /// <summary>A 256-bit random value, base64url (43 characters).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A 128-bit random id, lowercase hex (32 characters): never derived from personal data.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>SHA-256, lowercase hex: what is stored for tokens, session ids and e-mail addresses.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
