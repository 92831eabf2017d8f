using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Coaching;

/// <summary>Which model answers the coach (section <c>Model</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";
    public const string Offline = "offline";
    public const string AzureOpenAI = "azure-openai";
    public const string OpenAICompatible = "openai-compatible";

    [Required, RegularExpression("^(offline|azure-openai|openai-compatible)$", ErrorMessage = "Model:Provider must be offline, azure-openai or openai-compatible.")]
    public string Provider { get; set; } = Offline;

    public Uri? Endpoint { get; set; }

    /// <summary>The Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>The model name on an OpenAI-compatible endpoint (e.g. an Ollama model).</summary>
    public string? Name { get; set; }

    /// <summary>Optional; Azure uses DefaultAzureCredential (managed identity) when it is absent.</summary>
    public string? ApiKey { get; set; }

    public bool IsValid(out string? problem)
    {
        problem = Provider switch
        {
            Offline => null,
            AzureOpenAI when Endpoint is null || string.IsNullOrWhiteSpace(Deployment) => "azure-openai needs Model:Endpoint and Model:Deployment",
            OpenAICompatible when Endpoint is null || string.IsNullOrWhiteSpace(Name) => "openai-compatible needs Model:Endpoint and Model:Name",
            _ => null,
        };
        return problem is null;
    }
}
