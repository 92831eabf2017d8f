using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// Storage settings (section <c>Storage</c>): a connection string locally (Azurite), service URIs and managed
/// identity in Azure (no keys). <see cref="Prefix"/> namespaces every table and container, so tests and
/// benchmarks get their own.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    [RegularExpression("^([a-z][a-z0-9]{0,15})?$", ErrorMessage = "Storage:Prefix must be lowercase letters and digits, starting with a letter, at most 16 characters.")]
    public string Prefix { get; set; } = "";

    /// <summary>Retries of one storage request by the SDK (exponential) before it counts as storage unavailable.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first wait between retries; doubles each time.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>How long one storage request may take on the wire before it is abandoned (and retried).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (TableServiceUri is null || BlobServiceUri is null))
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString (local) or both Storage:TableServiceUri and Storage:BlobServiceUri (Azure, managed identity).",
                [nameof(ConnectionString)]);
        }
    }
}
