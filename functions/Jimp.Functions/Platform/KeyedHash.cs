using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform;

/// <summary>
/// The secret key of the keyed hashes (section <c>KeyedHash</c>): base64 of at least 32 random bytes, kept
/// outside the data store (Key Vault in Azure, a development key locally). Without the key, a hash of an
/// address cannot be recomputed by trying every address (EDPB Guidelines 01/2025 on pseudonymisation).
/// </summary>
public sealed class KeyedHashOptions : IValidatableObject
{
    public const string Section = "KeyedHash";

    [Required(ErrorMessage = "KeyedHash:Key is required (base64 of at least 32 random bytes).")]
    public string? Key { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Key is null) yield break;
        byte[]? bytes = null;
        try
        {
            bytes = Convert.FromBase64String(Key);
        }
        catch (FormatException)
        {
            // reported below
        }
        if (bytes is null || bytes.Length < 32)
        {
            yield return new ValidationResult("KeyedHash:Key must be base64 of at least 32 random bytes.", [nameof(Key)]);
        }
    }
}

/// <summary>
/// HMAC-SHA-256 with the configured key, lowercase hex. Each use names its purpose, so the same value hashed
/// for two purposes gives two unrelated keys.
/// </summary>
public sealed class KeyedHash
{
    private readonly byte[] key;

    public KeyedHash(IOptions<KeyedHashOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        key = Convert.FromBase64String(options.Value.Key ?? throw new InvalidOperationException("KeyedHash:Key is not configured."));
    }

    public string Hash(string purpose, string value)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "\n" + value)));
    }
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
