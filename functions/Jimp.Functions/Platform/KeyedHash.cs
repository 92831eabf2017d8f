using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform;

/// <summary>
/// Settings of the keyed hash (section <c>KeyedHash</c>). In Azure <c>KeyedHash__Key</c> is a Key Vault reference
/// (<c>@Microsoft.KeyVault(SecretUri=…/secrets/keyed-hash-key)</c>); locally the DevHost sets <see cref="KeyFile"/>
/// to the git-ignored <c>.jimp/keyed-hash.key</c>, generated on first run; tests give every host a key of its own.
/// </summary>
public sealed class KeyedHashOptions : IValidatableObject
{
    public const string Section = "KeyedHash";

    /// <summary>The secret key, base64, at least 32 bytes. Wins over <see cref="KeyFile"/>.</summary>
    public string? Key { get; set; }

    /// <summary>A file holding the key (base64); created with a new random key when missing. Local use only.</summary>
    public string? KeyFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            if (string.IsNullOrWhiteSpace(KeyFile))
                yield return new ValidationResult("KeyedHash:Key is required (base64 of at least 32 random bytes; in Azure, the Key Vault reference to the secret keyed-hash-key).", [nameof(Key)]);
            yield break;
        }
        if (KeyedHash.TryDecode(Key) is not { Length: >= 32 })
            yield return new ValidationResult("KeyedHash:Key must be base64 of at least 32 random bytes.", [nameof(Key)]);
    }
}

/// <summary>What a keyed hash is for: each purpose hashes into its own space, so two uses never collide.</summary>
public static class KeyedHashPurposes
{
    public const string EmailIndex = "email-index";
    public const string RateLimit = "rate-limit";
    public const string Tombstone = "tombstone";
    public const string MinorBlocklist = "minor-blocklist";
    public const string Unsubscribe = "unsubscribe";
    public const string SignInEmail = "signin-email";
}

/// <summary>
/// HMAC-SHA256 with a secret key kept outside the data store: the pseudonymous keys of JIMP (e-mail index, rate
/// limits, tombstone ids, minors blocklist) and the signature of unsubscribe links. A plain SHA-256 of an address
/// or an IP is reversed by trying every value; without the key, this is not (EDPB Guidelines 01/2025).
/// </summary>
public sealed class KeyedHash
{
    private readonly byte[] key;

    /// <summary>The key as configured (what DI uses).</summary>
    public KeyedHash(IOptions<KeyedHashOptions> options)
        : this(KeyOf((options ?? throw new ArgumentNullException(nameof(options))).Value))
    {
    }

    public KeyedHash(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The keyed-hash key must be at least 32 bytes.", nameof(key));
        this.key = key.ToArray();
        KeyId = Convert.ToHexStringLower(HMACSHA256.HashData(this.key, "key-id"u8))[..12];
    }

    /// <summary>A short, non-secret fingerprint of the key (marks rows re-keyed under it; tells a rotation happened).</summary>
    public string KeyId { get; }

    /// <summary>HMAC-SHA256 of <paramref name="purpose"/> and <paramref name="value"/>, lowercase hex (64 characters).</summary>
    public string Hash(string purpose, string value) => Convert.ToHexStringLower(Mac(purpose, value));

    /// <summary>The same MAC, base64url without padding (43 characters): for signatures carried in URLs.</summary>
    public string Sign(string purpose, string value) =>
        Convert.ToBase64String(Mac(purpose, value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="signature"/> is <see cref="Sign"/>'s for these values (constant time).</summary>
    public bool Verify(string purpose, string value, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(purpose, value));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The e-mail index key of a (normalised) address.</summary>
    public string EmailIndexKey(string normalisedEmail) => Hash(KeyedHashPurposes.EmailIndex, normalisedEmail);

    /// <summary>The partition of a rate-limit counter.</summary>
    public string RateLimitKey(string key) => Hash(KeyedHashPurposes.RateLimit, key);

    /// <summary>
    /// The tombstone id of an erased user: what their security-log entries are kept under and what a restore matches
    /// backup rows against. One-way without the key; the same for the same user, so replaying it is possible.
    /// </summary>
    public string TombstoneId(string userId) => "x" + Hash(KeyedHashPurposes.Tombstone, userId)[..32];

    private byte[] Mac(string purpose, string value)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(value);
        // A purpose is a constant without a line break: "purpose\nvalue" cannot be read two ways.
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "\n" + value));
    }

    /// <summary>Reads the key from the options: the configured key, else the key file (created if missing), else fails.</summary>
    public static KeyedHash FromOptions(KeyedHashOptions options) => new(KeyOf(options));

    private static byte[] KeyOf(KeyedHashOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Key)) return Decode(options.Key, "KeyedHash:Key");
        if (string.IsNullOrWhiteSpace(options.KeyFile))
            throw new InvalidOperationException("KeyedHash:Key is not set: in Azure it is the Key Vault reference to the secret keyed-hash-key (see docs/deploy.md); locally the DevHost sets KeyedHash:KeyFile.");
        var path = Path.GetFullPath(options.KeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            try
            {
                // CreateNew: two hosts starting at once keep the first key, never overwrite it.
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                using var writer = new StreamWriter(stream);
                writer.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        return Decode(File.ReadAllText(path).Trim(), path);
    }

    internal static byte[]? TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Decode(string base64, string source) =>
        TryDecode(base64) ?? throw new InvalidOperationException($"The keyed-hash key in {source} is not base64.");
}

public static class KeyedHashRegistration
{
    public static IServiceCollection AddKeyedHash(this IServiceCollection services)
    {
        services.AddOptions<KeyedHashOptions>().BindConfiguration(KeyedHashOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyedHash>();
        return services;
    }
}
