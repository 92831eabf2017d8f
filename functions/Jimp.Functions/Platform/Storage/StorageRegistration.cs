using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform.Storage;

public static class StorageRegistration
{
    /// <summary>Table and Blob clients, registered once, with the limits guard and the request counter in their pipelines.</summary>
    public static IServiceCollection AddJimpStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<StorageRequestCounter>();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new TableClientOptions();
            Configure(clientOptions, sp.GetRequiredService<StorageRequestCounter>());
            clientOptions.AddPolicy(new TableLimitsPolicy(), HttpPipelinePosition.PerCall);
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new TableServiceClient(options.TableServiceUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new TableServiceClient(options.ConnectionString, clientOptions);
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new BlobClientOptions();
            Configure(clientOptions, sp.GetRequiredService<StorageRequestCounter>());
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new BlobServiceClient(options.BlobServiceUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new BlobServiceClient(options.ConnectionString, clientOptions);
        });
        services.TryAddSingleton<JimpStorage>();
        return services;
    }

    private static void Configure(ClientOptions options, StorageRequestCounter counter)
    {
        options.Retry.MaxRetries = 3;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        // Per retry: every request that really goes on the wire is counted, retries included.
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
    }
}
