using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jimp.Functions.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Jimp.Tests.Infrastructure;

/// <summary>
/// Compiles bicep/main.bicep to an ARM template (once per run) and checks the security and
/// privacy properties the deployment promises. ARM values are either literals or expressions
/// ("[parameters('x')]"); <see cref="CompiledTemplate"/> follows parameters through the nested
/// module deployments so the tests can assert what a value really is.
/// </summary>
public sealed class InfrastructureTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    // Azure regions located in EU member states (GDPR: personal data stays in the EU).
    private static readonly HashSet<string> EuRegions = new(StringComparer.OrdinalIgnoreCase)
    {
        "francecentral", "francesouth", "germanywestcentral", "germanynorth", "westeurope",
        "northeurope", "swedencentral", "swedensouth", "italynorth", "polandcentral",
        "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast",
    };

    private const string FunctionApp = "Microsoft.Web/sites";
    private const string StorageAccount = "Microsoft.Storage/storageAccounts";
    private const string DataStorageModule = "storage";
    private const string HostStorageModule = "host-storage";

    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

    [Fact]
    public void Personal_data_has_its_own_storage_account_and_the_app_only_the_roles_it_uses_there()
    {
        Assert.Equal(new[] { DataStorageModule, HostStorageModule }.Order(StringComparer.Ordinal), template.OfType(StorageAccount).Select(a => a.Scope.DeploymentName!).Order(StringComparer.Ordinal));
        string[] RolesIn(string module) => template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Scope.DeploymentName == module)
            .Select(a => Regex.Match(a.Path("properties", "roleDefinitionId").GetString()!, "[0-9a-f]{8}-[0-9a-f-]{27}").Value)
            .Order(StringComparer.Ordinal).ToArray();

        // Data: tables and export blobs, nothing that can change access or the app's code.
        Assert.Equal(new[] { BlobDataContributor, TableDataContributor }.Order(StringComparer.Ordinal), RolesIn(DataStorageModule));
        // Host: what identity-based AzureWebJobsStorage and Durable Functions need.
        Assert.Equal(new[] { BlobDataOwner, QueueDataContributor, TableDataContributor }.Order(StringComparer.Ordinal), RolesIn(HostStorageModule));

        var settings = AppSettings();
        Assert.Contains($"'{HostStorageModule}'", settings["AzureWebJobsStorage__accountName"], StringComparison.Ordinal);
        Assert.Contains($"'{DataStorageModule}'", settings["Storage__TableServiceUri"], StringComparison.Ordinal);
        Assert.Contains($"'{DataStorageModule}'", settings["Storage__BlobServiceUri"], StringComparison.Ordinal);
        var site = template.Resource(FunctionApp);
        var package = CompiledTemplate.Expand(site.Path("properties", "functionAppConfig", "deployment", "storage", "value").GetString()!, site.Scope);
        Assert.Contains($"'{HostStorageModule}'", package, StringComparison.Ordinal);
        // The deployment package and the app's tables never share an account.
        Assert.DoesNotContain(template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c.Scope.DeploymentName == DataStorageModule && CompiledTemplate.ShortNameOf(c) == "deployment");
    }

    [Fact]
    public void Alerts_availability_test_and_budget_exist_each_with_its_parameter()
    {
        var parameters = template.Root.GetProperty("parameters");
        foreach (var name in new[] { "alertEmail", "failedRequestsThreshold", "model429Threshold", "failedOrchestrationsThreshold", "monthlyBudget" })
        {
            Assert.True(parameters.TryGetProperty(name, out _), $"missing parameter {name}");
        }
        var metricAlerts = template.OfType("Microsoft.Insights/metricAlerts").ToList();
        Assert.Contains(metricAlerts, a => a.Json.ToString().Contains("requests/failed", StringComparison.Ordinal));
        Assert.Contains(metricAlerts, a => a.Json.ToString().Contains("AzureOpenAIRequests", StringComparison.Ordinal) && a.Json.ToString().Contains("429", StringComparison.Ordinal));
        Assert.Contains(metricAlerts, a => a.Json.ToString().Contains("WebtestLocationAvailabilityCriteria", StringComparison.Ordinal));
        Assert.Single(template.OfType("Microsoft.Insights/scheduledQueryRules"));
        var test = template.Resource("Microsoft.Insights/webtests");
        Assert.Equal("standard", test.Json.GetProperty("kind").GetString());
        var url = CompiledTemplate.Expand(test.Path("properties", "Request", "RequestUrl").GetString()!, test.Scope);
        Assert.StartsWith("format('https://{0}/api/health', ", url, StringComparison.Ordinal);
        Assert.All(test.Path("properties", "Locations").EnumerateArray(), l => Assert.StartsWith("emea-", l.GetProperty("Id").GetString(), StringComparison.Ordinal));
        var budget = template.Resource("Microsoft.Consumption/budgets");
        Assert.Equal("Monthly", budget.Path("properties", "timeGrain").GetString());
        Assert.Equal("parameters('monthlyBudget')", CompiledTemplate.Expand(budget.Path("properties", "amount").GetString()!, budget.Scope));
    }

    [Fact]
    public void Keyed_hash_key_must_be_given_and_reaches_the_app_only_through_key_vault()
    {
        var parameter = template.Root.GetProperty("parameters").GetProperty("keyedHashKey");

        Assert.Equal("securestring", parameter.GetProperty("type").GetString());
        Assert.Equal(44, parameter.GetProperty("minLength").GetInt32()); // base64 of 32 bytes
        Assert.False(parameter.TryGetProperty("defaultValue", out _));
        Assert.StartsWith("format('@Microsoft.KeyVault(SecretUri=", AppSettings()["KeyedHash__Key"], StringComparison.Ordinal);
        Assert.Contains("keyed-hash-key", AppSettings()["KeyedHash__Key"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_role_assignment_in_the_bicep_says_why_in_a_comment()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(template.RepoRoot, "bicep"), "*.bicep", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].Contains("'Microsoft.Authorization/roleAssignments@", StringComparison.Ordinal)) continue;
                Assert.True(i > 0 && lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"{Path.GetFileName(file)}:{i + 1}: a role assignment without a comment above it");
            }
        }
    }

    [Fact]
    public void Bicep_template_compiles_without_errors_or_warnings()
    {
        Assert.Equal(0, template.ExitCode);
        Assert.Equal("", template.Diagnostics.Trim());
    }

    [Fact]
    public void Function_app_accepts_https_only()
    {
        var site = template.Resource(FunctionApp);

        Assert.True(site.Path("properties", "httpsOnly").GetBoolean());
    }

    [Fact]
    public void Function_app_requires_tls_1_2()
    {
        var siteConfig = template.Resource(FunctionApp).Path("properties", "siteConfig");

        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("1.2", siteConfig.GetProperty("scmMinTlsVersion").GetString());
    }

    [Fact]
    public void Storage_accounts_require_tls_1_2_and_https()
    {
        Assert.Equal(2, template.OfType(StorageAccount).Count());
        foreach (var account in template.OfType(StorageAccount))
        {
            var properties = account.Path("properties");
            Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
            Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        }
    }

    [Fact]
    public void Function_app_has_ftp_disabled()
    {
        var siteConfig = template.Resource(FunctionApp).Path("properties", "siteConfig");

        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void Function_app_refuses_basic_auth_publishing()
    {
        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        var names = policies.Select(CompiledTemplate.ShortNameOf).Order().ToList();
        string[] expected = ["ftp", "scm"];
        Assert.Equal(expected, names);
        Assert.All(policies, p => Assert.False(p.Path("properties", "allow").GetBoolean()));
    }

    [Fact]
    public void Storage_accounts_refuse_shared_key_access()
    {
        Assert.All(template.OfType(StorageAccount), a => Assert.False(a.Path("properties", "allowSharedKeyAccess").GetBoolean()));
    }

    [Fact]
    public void Storage_accounts_refuse_public_blob_access()
    {
        var containers = template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();

        Assert.All(template.OfType(StorageAccount), a => Assert.False(a.Path("properties", "allowBlobPublicAccess").GetBoolean()));
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.Path("properties", "publicAccess").GetString()));
    }

    [Fact]
    public void Deleted_blobs_and_containers_are_recoverable_for_7_days()
    {
        // The data account's blob service (exports); the host account's holds no personal data.
        var blobService = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts/blobServices"), b => b.Scope.DeploymentName == DataStorageModule);

        foreach (var policy in new[] { "deleteRetentionPolicy", "containerDeleteRetentionPolicy" })
        {
            var retention = blobService.Path("properties", policy);
            Assert.True(retention.GetProperty("enabled").GetBoolean(), policy);
            Assert.Equal(7, CompiledTemplate.ResolveLiteral(retention.GetProperty("days"), blobService.Scope).GetInt32());
        }
    }

    [Fact]
    public void Export_blobs_are_deleted_7_days_after_creation()
    {
        var policy = template.Resource("Microsoft.Storage/storageAccounts/managementPolicies");

        var rule = Assert.Single(policy.Path("properties", "policy", "rules").EnumerateArray(),
            r => r.GetProperty("definition").GetProperty("filters").GetProperty("prefixMatch")
                .EnumerateArray().Any(p => p.GetString() == "exports/"));
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        var delete = rule.GetProperty("definition").GetProperty("actions").GetProperty("baseBlob").GetProperty("delete");
        Assert.Equal(7, CompiledTemplate.ResolveLiteral(delete.GetProperty("daysAfterCreationGreaterThan"), policy.Scope).GetInt32());
        Assert.Contains("exports", template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(CompiledTemplate.ShortNameOf));
    }

    [Fact]
    public void Log_retention_is_at_most_365_days()
    {
        var workspace = template.Resource("Microsoft.OperationalInsights/workspaces");
        var appInsights = template.Resource("Microsoft.Insights/components");

        foreach (var (resource, retention) in new[]
                 {
                     (workspace, workspace.Path("properties", "retentionInDays")),
                     (appInsights, appInsights.Path("properties", "RetentionInDays")),
                 })
        {
            var parameter = template.RootParameterOf(retention, resource.Scope);
            Assert.True(parameter.GetProperty("maxValue").GetInt32() <= 365, $"{resource.Type}: maxValue above 365");
            Assert.True(parameter.GetProperty("defaultValue").GetInt32() <= 365, $"{resource.Type}: default above 365");
        }
    }

    [Fact]
    public void Application_insights_masks_client_ip_addresses()
    {
        var properties = template.Resource("Microsoft.Insights/components").Path("properties");

        Assert.False(properties.GetProperty("DisableIpMasking").GetBoolean());
    }

    [Fact]
    public void Application_insights_accepts_only_entra_id_telemetry()
    {
        var properties = template.Resource("Microsoft.Insights/components").Path("properties");
        var settings = AppSettings();

        Assert.True(properties.GetProperty("DisableLocalAuth").GetBoolean());
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Matches(@"^format\('Authorization=AAD;ClientId=\{0\}', (.+)\)$", authentication);
        AssertIsAppIdentityClientId(Regex.Match(authentication, @"^format\('[^']*', (.+)\)$").Groups[1].Value);
    }

    [Fact]
    public void Location_parameter_allows_only_eu_regions_and_defaults_to_france_central()
    {
        var location = template.Root.GetProperty("parameters").GetProperty("location");

        AssertOnlyEuRegionsAllowed(location);
        Assert.Equal("francecentral", location.GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void Openai_location_parameter_allows_only_eu_regions()
    {
        var location = template.Root.GetProperty("parameters").GetProperty("openAiLocation");

        AssertOnlyEuRegionsAllowed(location);
        Assert.Contains(location.GetProperty("defaultValue").GetString()!, EuRegions);
    }

    [Fact]
    public void Every_resource_is_deployed_in_an_eu_region()
    {
        var located = template.Resources
            .Select(r => (Resource: r, Location: r.Json.TryGetProperty("location", out var l) ? l : default))
            .Where(x => x.Location.ValueKind != JsonValueKind.Undefined)
            .ToList();

        Assert.True(located.Count >= 8, $"only {located.Count} resources with a location found");
        foreach (var (resource, location) in located)
        {
            var expression = CompiledTemplate.Expand(location.GetString()!, resource.Scope);
            // Alert rules and action groups are global by design; they hold thresholds and an address, no user data.
            if (expression == "'global'" && resource.Type is "Microsoft.Insights/actionGroups" or "Microsoft.Insights/metricAlerts") continue;
            var parameter = Regex.Match(expression, @"^parameters\('(\w+)'\)$");
            if (parameter.Success)
            {
                AssertOnlyEuRegionsAllowed(template.Root.GetProperty("parameters").GetProperty(parameter.Groups[1].Value));
            }
            else
            {
                Assert.True(EuRegions.Contains(expression.Trim('\'')), $"{resource.Type} is located at {expression}");
            }
        }
    }

    [Fact]
    public void Azure_openai_refuses_key_authentication()
    {
        var account = template.Resource("Microsoft.CognitiveServices/accounts");

        Assert.Equal("OpenAI", account.Json.GetProperty("kind").GetString());
        Assert.True(account.Path("properties", "disableLocalAuth").GetBoolean());
    }

    [Fact]
    public void Chat_model_is_deployed_in_the_eu_data_zone()
    {
        var deployment = template.Resource("Microsoft.CognitiveServices/accounts/deployments");
        var account = template.Resource("Microsoft.CognitiveServices/accounts");

        Assert.Equal("DataZoneStandard", deployment.Path("sku", "name").GetString());
        // The data zone is the one of the account's region, which must be an EU-only parameter.
        var location = CompiledTemplate.Expand(account.Json.GetProperty("location").GetString()!, account.Scope);
        Assert.Equal("parameters('openAiLocation')", location);
        AssertOnlyEuRegionsAllowed(template.Root.GetProperty("parameters").GetProperty("openAiLocation"));
    }

    // The default chat model, with its retirement date from Microsoft's model-retirement schedule (docs/deploy.md).
    // Chosen on 2026-12-01: GA, Data Zone Standard (EU) in swedencentral and francecentral, the latest retirement
    // of the chat models offered so in the EU. Check the schedule again before the date moves close.
    private const string DefaultChatModel = "gpt-5.1";
    private const string DefaultChatModelVersion = "2025-11-13";
    private static readonly DateOnly DefaultChatModelRetirement = new(2027, 5, 15);

    [Fact]
    public void Default_chat_model_is_current_and_upgrades_itself_when_its_version_expires()
    {
        var parameters = template.Root.GetProperty("parameters");
        var deployment = template.Resource("Microsoft.CognitiveServices/accounts/deployments");

        Assert.Equal(DefaultChatModel, parameters.GetProperty("chatModelName").GetProperty("defaultValue").GetString());
        Assert.Equal(DefaultChatModelVersion, parameters.GetProperty("chatModelVersion").GetProperty("defaultValue").GetString());
        // A test run after the retirement fails here: the default must move before a fresh subscription cannot deploy it.
        Assert.True(DateOnly.FromDateTime(DateTime.UtcNow) < DefaultChatModelRetirement.AddDays(-60), $"{DefaultChatModel} {DefaultChatModelVersion} retires on {DefaultChatModelRetirement:yyyy-MM-dd}: pick the next model.");
        Assert.Equal("OnceCurrentVersionExpired", deployment.Path("properties", "versionUpgradeOption").GetString());
        Assert.Equal(["swedencentral", "francecentral"], parameters.GetProperty("openAiLocation").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToArray());
        var main = File.ReadAllText(Path.Combine(template.RepoRoot, "bicep", "main.parameters.json"));
        Assert.Contains("${AZURE_OPENAI_CHAT_MODEL=" + DefaultChatModel + "}", main, StringComparison.Ordinal);
        Assert.Contains("${AZURE_OPENAI_CHAT_MODEL_VERSION=" + DefaultChatModelVersion + "}", main, StringComparison.Ordinal);
    }

    [Fact]
    public void App_trusts_exactly_the_one_proxy_hop_in_front_of_the_function_app()
    {
        // Azure's front end appends the client's address to X-Forwarded-For; nothing else proxies (no static web app).
        Assert.Equal("'1'", AppSettings()["ClientAddress__TrustedProxyHops"]);
    }

    [Fact]
    public void Chat_deployment_name_is_its_own_parameter_and_is_what_the_app_calls()
    {
        var parameters = template.Root.GetProperty("parameters");
        var deployment = template.Resource("Microsoft.CognitiveServices/accounts/deployments");

        Assert.Equal("chat", parameters.GetProperty("chatDeploymentName").GetProperty("defaultValue").GetString());
        Assert.Contains("parameters('chatDeploymentName')", CompiledTemplate.Expand(deployment.Name, deployment.Scope), StringComparison.Ordinal);
        Assert.Equal("parameters('chatModelName')", CompiledTemplate.Expand(deployment.Path("properties", "model", "name").GetString()!, deployment.Scope));
        Assert.EndsWith(".outputs.deploymentName.value", AppSettings()["Model__Deployment"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cognitive Services OpenAI User", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "Microsoft.CognitiveServices/accounts")]
    [InlineData("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults")]
    [InlineData("Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")]
    public void App_identity_holds_role_on_its_resource(string role, string roleId, string scopeType)
    {
        var assignment = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.Path("properties", "roleDefinitionId").GetString()!.Contains(roleId, StringComparison.Ordinal));

        Assert.Contains($"resourceId('{scopeType}',", assignment.Json.GetProperty("scope").GetString()!, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", assignment.Path("properties", "principalType").GetString());
        var principal = CompiledTemplate.Expand(assignment.Path("properties", "principalId").GetString()!, assignment.Scope);
        Assert.True(principal.Contains(
            $"resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', {AppIdentityNameExpression()})",
            StringComparison.Ordinal), $"{role} is granted to {principal}");
        Assert.EndsWith(".principalId", principal, StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_contain_no_secret()
    {
        var settings = AppSettings();
        string[] forbidden = ["AccountKey=", "SharedAccessSignature", "sig=", "listKeys", "listAccountSas", "listServiceSas", "parameters('smtpPassword')"];

        Assert.NotEmpty(settings);
        foreach (var (name, value) in settings)
        {
            foreach (var fragment in forbidden)
            {
                Assert.False(value.Contains(fragment, StringComparison.OrdinalIgnoreCase), $"{name} contains {fragment}");
            }
            if (name.Contains("Password", StringComparison.OrdinalIgnoreCase) || name.Contains("Secret", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Contains("@Microsoft.KeyVault(", value, StringComparison.Ordinal);
            }
        }
        Assert.DoesNotContain(settings.Keys, k => k is "AzureWebJobsStorage" or "AZURE_OPENAI_API_KEY");
    }

    [Fact]
    public void Every_timer_schedule_is_defined_once_and_azure_the_dev_host_and_the_docs_use_that_definition()
    {
        var site = template.Resource(FunctionApp);
        var settings = site.Path("properties", "siteConfig", "appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        var definition = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(template.RepoRoot, "functions", "Jimp.Functions", "Platform", "timer-schedules.json")))!;
        Assert.Equal(definition, TimerSchedules.Defaults);
        var timers = Jimp.DevHost.FunctionCatalog.Jimp.Where(f => f.Kind == Jimp.DevHost.TriggerKind.Timer).ToList();
        Assert.NotEmpty(timers);
        Assert.Equal(definition.Keys.Order(StringComparer.Ordinal), timers.Select(t => t.Timer!.Schedule.Trim('%')).Order(StringComparer.Ordinal));

        using var devHostSettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(template.RepoRoot, "functions", "Jimp.DevHost", "appsettings.json")));
        using var localExample = JsonDocument.Parse(File.ReadAllText(Path.Combine(template.RepoRoot, "functions", "Jimp.Functions", "local.settings.json.example")));
        var readme = File.ReadAllText(Path.Combine(template.RepoRoot, "README.md"));
        var devHost = new ConfigurationBuilder().AddInMemoryCollection(TimerSchedules.Defaults!).Build();
        foreach (var timer in timers)
        {
            var setting = Regex.Match(timer.Timer!.Schedule, "^%(.+)%$");
            Assert.True(setting.Success, $"{timer.Name}: the schedule comes from configuration (%Section:Setting%), not a literal");
            var key = setting.Groups[1].Value;
            var appSetting = key.Replace(":", "__", StringComparison.Ordinal);
            var schedule = definition[key];
            NCrontab.CrontabSchedule.Parse(schedule, new NCrontab.CrontabSchedule.ParseOptions { IncludingSeconds = true });

            // Azure: the app setting reads the same file (loadJsonContent), it does not repeat the value.
            Assert.True(settings.TryGetValue(appSetting, out var inAzure), $"{timer.Name}: the app setting {appSetting} is missing from Bicep (the function would not start in Azure)");
            Assert.Equal(schedule, LoadedJsonValue(inAzure!, site.Scope));
            // The DevHost: no copy in its appsettings.json; it gets the definition (TimerSchedules.Defaults).
            Assert.False(key.Split(':').Aggregate((JsonElement?)devHostSettings.RootElement, (e, part) => e is { } el && el.TryGetProperty(part, out var child) ? child : null) is not null,
                $"{key} is repeated in the DevHost's appsettings.json");
            Assert.Equal(schedule, devHost[key]);
            // The copies kept for people (Core Tools' example settings, the README's table) say the same.
            Assert.Equal(schedule, localExample.RootElement.GetProperty("Values").GetProperty(appSetting).GetString());
            Assert.Contains($"| `{key}` | `{schedule}` |", readme, StringComparison.Ordinal);
        }
    }

    /// <summary>The value of <c>[variables('x')['key']]</c> where <c>x</c> is a file loaded by <c>loadJsonContent</c>.</summary>
    private static string LoadedJsonValue(string value, TemplateScope scope)
    {
        var expanded = CompiledTemplate.Expand(value, scope);
        var match = Regex.Match(expanded, @"^variables\('([^']+)'\)\['([^']+)'\]$");
        Assert.True(match.Success, $"{value} is not read from timer-schedules.json (a literal would be a second definition)");
        var loaded = scope.Template.GetProperty("variables").GetProperty(match.Groups[1].Value);
        return loaded.GetProperty(match.Groups[2].Value).GetString()!;
    }

    [Fact]
    public void Smtp_password_is_a_key_vault_reference()
    {
        var password = AppSettings()["Email__Password"];
        var site = template.Resource(FunctionApp);

        Assert.StartsWith("format('@Microsoft.KeyVault(SecretUri=", password, StringComparison.Ordinal);
        Assert.Contains($"resourceId('Microsoft.Resources/deployments', '{template.DeploymentNameHolding("Microsoft.KeyVault/vaults")}')", password, StringComparison.Ordinal);
        var referenceIdentity = CompiledTemplate.Expand(site.Path("properties", "keyVaultReferenceIdentity").GetString()!, site.Scope);
        Assert.Equal($"resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', {AppIdentityNameExpression()})", referenceIdentity);
    }

    [Fact]
    public void Smtp_password_parameter_is_secure_and_only_reaches_key_vault()
    {
        var parameter = template.Root.GetProperty("parameters").GetProperty("smtpPassword");

        Assert.Equal("securestring", parameter.GetProperty("type").GetString(), StringComparer.OrdinalIgnoreCase);
        var users = template.Resources
            .Where(r => CompiledTemplate.ExpandedStrings(r.Json, r.Scope).Any(s => s.Contains("parameters('smtpPassword')", StringComparison.Ordinal)))
            .Select(r => r.Type)
            .ToList();
        string[] onlyKeyVault = ["Microsoft.KeyVault/vaults/secrets"];
        Assert.Equal(onlyKeyVault, users);
        Assert.DoesNotContain("smtpPassword", template.Root.GetProperty("outputs").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_serves_the_web_app_on_its_own_origin_without_a_proxy_or_cors()
    {
        // No Static Web App (its linked backends do not support Flex Consumption, and it cuts proxied requests at 45 s).
        Assert.DoesNotContain(template.Resources, r => r.Type.StartsWith("Microsoft.Web/staticSites", StringComparison.Ordinal));
        var site = template.Resource(FunctionApp);
        Assert.False(site.Path("properties", "siteConfig").TryGetProperty("cors", out _), "same origin: no CORS rule");
        var settings = AppSettings();
        Assert.Equal("parameters('publicOrigin')", settings["App__PublicBaseUrl"]);
        Assert.Equal("", template.Root.GetProperty("parameters").GetProperty("publicOrigin").GetProperty("defaultValue").GetString());
        Assert.Equal("'true'", settings["AzureWebJobsDisableHomepage"]);
        // Routes start at the root: the web app at /, the API under api/ (every Route attribute says so).
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(template.RepoRoot, "host.json")));
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var web = Jimp.DevHost.FunctionCatalog.Jimp.Where(f => f.Kind == Jimp.DevHost.TriggerKind.Http && !f.Route.StartsWith("api/", StringComparison.Ordinal)).Select(f => f.Name);
        Assert.Equal(["WebAppFile"], web);
        // The address users open: the custom domain when given, else the function app's own host name.
        Assert.Matches($@"^\[if\(empty\(parameters\('publicOrigin'\)\), format\('https://\{{0\}}', reference\(resourceId\('Microsoft.Resources/deployments', '{Regex.Escape(template.DeploymentNameHolding(FunctionApp))}'\), '[^']+'\)\.outputs\.defaultHostName\.value\), parameters\('publicOrigin'\)\)\]$",
            template.Root.GetProperty("outputs").GetProperty("WEB_BASE_URL").GetProperty("value").GetString());
    }

    [Fact]
    public void Every_answer_carries_the_security_headers()
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        Jimp.Functions.Platform.Http.SecurityHeaders.Apply(headers);
        string Header(string name) => headers[name].ToString();

        var csp = Header("Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'" })
        {
            Assert.Contains(directive, csp);
        }
        Assert.DoesNotContain(csp, d => d.Contains("unsafe-inline", StringComparison.Ordinal) || d.Contains("unsafe-eval", StringComparison.Ordinal));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()" })
        {
            Assert.Contains(feature, Header("Permissions-Policy"), StringComparison.Ordinal);
        }
        var maxAge = Regex.Match(Header("Strict-Transport-Security"), @"max-age=(\d+)");
        Assert.True(maxAge.Success && long.Parse(maxAge.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 31_536_000,
            "HSTS max-age must be at least one year");
    }

    [Fact]
    public void Key_vault_uses_rbac_with_soft_delete_and_purge_protection()
    {
        var properties = template.Resource("Microsoft.KeyVault/vaults").Path("properties");

        Assert.True(properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(properties.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.False(properties.TryGetProperty("accessPolicies", out _));
    }

    [Fact]
    public void Function_app_connects_to_storage_with_its_identity()
    {
        var settings = AppSettings();

        Assert.Equal("'managedidentity'", settings["AzureWebJobsStorage__credential"]);
        AssertIsAppIdentityClientId(settings["AzureWebJobsStorage__clientId"]);
        AssertIsAppIdentityClientId(settings["AZURE_CLIENT_ID"]);
        Assert.Contains(".outputs.name.value", settings["AzureWebJobsStorage__accountName"], StringComparison.Ordinal);
        Assert.Contains(".outputs.tableServiceUri.value", settings["Storage__TableServiceUri"], StringComparison.Ordinal);
        Assert.Contains(".outputs.blobServiceUri.value", settings["Storage__BlobServiceUri"], StringComparison.Ordinal);
        var deployment = template.Resource(FunctionApp).Path("properties", "functionAppConfig", "deployment", "storage", "authentication");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("type").GetString());
    }

    [Fact]
    public void Function_app_runs_dotnet_10_isolated_on_flex_consumption()
    {
        var site = template.Resource(FunctionApp);
        var plan = template.Resource("Microsoft.Web/serverfarms");

        Assert.Equal("functionapp,linux", site.Json.GetProperty("kind").GetString());
        Assert.Equal("FC1", plan.Path("sku", "name").GetString());
        Assert.Equal("FlexConsumption", plan.Path("sku", "tier").GetString());
        var runtime = site.Path("properties", "functionAppConfig", "runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
    }

    [Fact]
    public void Model_settings_point_at_the_azure_openai_deployment()
    {
        var settings = AppSettings();
        var openAi = template.DeploymentNameHolding("Microsoft.CognitiveServices/accounts");

        Assert.Equal("'azure-openai'", settings["Model__Provider"]);
        Assert.Contains($"resourceId('Microsoft.Resources/deployments', '{openAi}')", settings["Model__Endpoint"], StringComparison.Ordinal);
        Assert.EndsWith(".outputs.endpoint.value", settings["Model__Endpoint"], StringComparison.Ordinal);
        Assert.Contains($"resourceId('Microsoft.Resources/deployments', '{openAi}')", settings["Model__Deployment"], StringComparison.Ordinal);
        Assert.EndsWith(".outputs.deploymentName.value", settings["Model__Deployment"], StringComparison.Ordinal);
        // The app's shared tokens-per-minute budget is the deployment's capacity (K TPM) × 1,000.
        Assert.StartsWith("string(mul(max(1, if(greater(parameters('chatModelCapacity'), 0)", settings["Chat__ModelTokensPerMinute"], StringComparison.Ordinal);
        Assert.EndsWith(", 1000))", settings["Chat__ModelTokensPerMinute"], StringComparison.Ordinal);
        Assert.Equal("'StartTls'", settings["Email__TlsMode"]);
    }

    [Fact]
    public void Storage_account_has_every_table_and_container_the_app_uses()
    {
        var tables = template.Resource("Microsoft.Storage/storageAccounts/tableServices/tables");
        var names = tables.Scope.Template.GetProperty("variables").GetProperty("tableNames").EnumerateArray().Select(t => t.GetString()).ToList();

        // Every fixed table the app declares: the personal-data stores that are tables, and the non-personal ones.
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var configuration = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder(),
            new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true", ["KeyedHash:Key"] = Convert.ToBase64String(new byte[32]) }).Build();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(services, configuration);
        Jimp.Functions.Platform.JimpServiceCollectionExtensions.AddJimp(services, configuration);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var registry = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Jimp.Functions.Privacy.PersonalDataRegistry>(provider);
        var stores = registry.Stores;
        // Month-sharded log families ({family}log{yyyyMM}) are created at run time, not by Bicep.
        var expected = stores.Select(s => s.Name)
            .Where(n => n != Jimp.Functions.Privacy.ExportArchiveStore.Container && n != Jimp.Functions.Backups.BackupService.Container)
            .Concat(registry.NonPersonal.Keys)
            .Where(n => !n.Contains('{', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, names.Select(n => n!).Order(StringComparer.Ordinal).ToList());
        Assert.Contains(Jimp.Functions.Privacy.ExportArchiveStore.Container, template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(CompiledTemplate.ShortNameOf));
        Assert.Contains("deployment", template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(CompiledTemplate.ShortNameOf));
        Assert.Contains(Jimp.Functions.Backups.BackupService.Container, template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(CompiledTemplate.ShortNameOf));
    }

    [Fact]
    public void Backups_are_immutable_for_their_retention_then_deleted_and_the_app_keeps_the_same_number_of_nights()
    {
        var days = new Jimp.Functions.Backups.BackupOptions().RetentionDays;
        // Time-based retention on the backups container: nobody, the app's identity included, deletes a backup sooner.
        var immutability = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));
        Assert.Contains("'backups'", CompiledTemplate.Expand(immutability.Name, immutability.Scope), StringComparison.Ordinal);
        // One number for all three: the root parameter backupRetentionDays, whose default is the app's default.
        Assert.Equal(days, template.Root.GetProperty("parameters").GetProperty("backupRetentionDays").GetProperty("defaultValue").GetInt32());
        string FromParameter(JsonElement value, TemplateScope scope) => CompiledTemplate.Expand(value.GetString()!, scope);
        Assert.Contains("parameters('backupRetentionDays')", FromParameter(immutability.Path("properties", "immutabilityPeriodSinceCreationInDays"), immutability.Scope), StringComparison.Ordinal);
        Assert.False(immutability.Path("properties", "allowProtectedAppendWrites").GetBoolean());

        // The platform deletes them after the same number of days (the app's nightly job does it first).
        var policy = template.Resource("Microsoft.Storage/storageAccounts/managementPolicies");
        var rule = Assert.Single(policy.Path("properties", "policy", "rules").EnumerateArray(),
            r => r.GetProperty("definition").GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Any(p => p.GetString() == "backups/"));
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        var delete = rule.GetProperty("definition").GetProperty("actions").GetProperty("baseBlob").GetProperty("delete");
        Assert.Contains("parameters('backupRetentionDays')", FromParameter(delete.GetProperty("daysAfterCreationGreaterThan"), policy.Scope), StringComparison.Ordinal);

        // The app's Backups:RetentionDays comes from the same parameter, not a second literal.
        Assert.Contains("backupRetentionDays", AppSettings()["Backups__RetentionDays"], StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_finds_the_app_with_its_web_build_and_every_output()
    {
        var outputs = template.Root.GetProperty("outputs");
        var site = template.Resource(FunctionApp);

        Assert.Contains("createObject('azd-service-name', 'api')", site.Json.GetProperty("tags").GetString(), StringComparison.Ordinal);
        // One service: the function app, whose package carries the built web app (wwwroot).
        var azure = File.ReadAllText(Path.Combine(template.RepoRoot, "azure.yaml"));
        Assert.DoesNotContain("staticwebapp", azure, StringComparison.Ordinal);
        Assert.Matches(@"(?ms)^\s+prepackage:.*npm run build:web", azure);
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(template.RepoRoot, "functions", "Jimp.Functions", "Jimp.Functions.csproj"));
        var web = project.Descendants("Content").Single(c => (string?)c.Attribute("Include") == "../../web/dist/**");
        Assert.Equal("wwwroot", (string?)web.Attribute("LinkBase"));
        Assert.Equal("PreserveNewest", (string?)web.Attribute("CopyToPublishDirectory"));
        foreach (var name in new[] { "AZURE_LOCATION", "AZURE_FUNCTION_APP_NAME", "API_BASE_URL", "WEB_BASE_URL", "AZURE_STORAGE_ACCOUNT_NAME",
                     "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "AZURE_KEY_VAULT_NAME", "APPLICATIONINSIGHTS_CONNECTION_STRING" })
        {
            Assert.True(outputs.TryGetProperty(name, out _), $"missing output {name}");
        }
    }

    private static void AssertOnlyEuRegionsAllowed(JsonElement parameter)
    {
        var allowed = parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.NotEmpty(allowed);
        Assert.All(allowed, region => Assert.Contains(region, EuRegions));
    }

    /// <summary>App settings of the function app, each value expanded to a root-level ARM expression.</summary>
    [Fact]
    public void The_app_starts_with_the_settings_the_template_writes_under_its_default_parameters()
    {
        const string TestKey = "dGVzdC1rZXllZC1oYXNoLWtleS1ub3QtYS1zZWNyZXQtMDA=";
        const string ClientId = "00000000-0000-0000-0000-00000000c1d0";
        // The one parameter without a default (the owner must give it), and what only Azure knows at deployment.
        var given = new Dictionary<string, string>(StringComparer.Ordinal) { ["keyedHashKey"] = TestKey };
        var resolvedByAzure = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage__accountName"] = "stjimphost",
            ["AzureWebJobsStorage__clientId"] = ClientId,
            ["AZURE_CLIENT_ID"] = ClientId,
            ["Storage__TableServiceUri"] = "https://stjimpdata.table.core.windows.net/",
            ["Storage__BlobServiceUri"] = "https://stjimpdata.blob.core.windows.net/",
            ["Model__Endpoint"] = "https://oai-jimp.openai.azure.com/",
            ["Model__Deployment"] = "chat",
            // chatCapacity × 1,000 under the default planning parameters: ceil(1,000 × 10 × 4,000 × 4 / 1,440 / 1,000) = 112.
            ["Chat__ModelTokensPerMinute"] = "112000",
            ["Email__Password"] = "", // a Key Vault reference to an empty secret when no SMTP is given
            ["KeyedHash__Key"] = TestKey, // the Key Vault reference, resolved by the platform
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://francecentral-1.in.applicationinsights.azure.com/",
            ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Authorization=AAD;ClientId=" + ClientId,
        };
        var parameters = template.Root.GetProperty("parameters");
        string? Parameter(string name) =>
            given.TryGetValue(name, out var value) ? value
            : parameters.GetProperty(name).TryGetProperty("defaultValue", out var d) && d.ValueKind is JsonValueKind.String or JsonValueKind.Number ? d.ToString()
            : null;
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (name, expression) in AppSettings())
        {
            string? value = Regex.Match(expression, @"^'(.*)'$") is { Success: true } literal ? literal.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)
                : Regex.Match(expression, @"^(?:string\()?parameters\('(\w+)'\)\)?$") is { Success: true } parameter ? Parameter(parameter.Groups[1].Value)
                : null;
            // loadJsonContent: a template variable indexed by a key.
            if (value is null && Regex.Match(expression, @"^variables\('([^']+)'\)\['([^']+)'\]$") is { Success: true } variable)
            {
                value = template.Resource(FunctionApp).Scope.Template.GetProperty("variables").GetProperty(variable.Groups[1].Value).GetProperty(variable.Groups[2].Value).GetString();
            }
            value ??= resolvedByAzure.GetValueOrDefault(name);
            if (value is null) unknown.Add($"{name} = {expression}");
            settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        Assert.True(unknown.Count == 0, "say in this test what Azure resolves these settings to:\n" + string.Join('\n', unknown));

        // Every timer schedule the template writes is a six-field NCRONTAB (the host refuses anything else).
        Assert.All(settings.Where(s => s.Key.EndsWith("Schedule", StringComparison.Ordinal)), s => Assert.Matches(@"^\S+( \S+){5}$", s.Value!));

        var builder = Microsoft.Azure.Functions.Worker.Builder.FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        // What App Service sets on every app: its default host name (the app's public origin unless a custom domain is given).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_HOSTNAME"] = "func-jimp-abc123.azurewebsites.net" });
        using var host = Jimp.Functions.JimpFunctionsApp.Configure(builder).Build();
        // What the host runs at start (ValidateOnStart): with the template's defaults, no option is refused.
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("https://func-jimp-abc123.azurewebsites.net", host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Jimp.Functions.Platform.AppOptions>>().Value.PublicBaseUrl);
        // Every function class can be created from those settings (what the worker does per invocation).
        foreach (var type in Jimp.DevHost.FunctionCatalog.Jimp.Select(f => f.Type).Distinct().Where(t => !t.IsAbstract))
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, type));
        }
        // No SMTP in the defaults: the app runs and says so (health "email": "not-configured", sign-in a 503).
        Assert.False(host.Services.GetRequiredService<Jimp.Functions.Platform.Email.IEmailSender>().IsConfigured);
    }

    private Dictionary<string, string> AppSettings()
    {
        var site = template.Resource(FunctionApp);
        return site.Path("properties", "siteConfig", "appSettings").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => CompiledTemplate.Expand(s.GetProperty("value").GetString()!, site.Scope));
    }

    private string AppIdentityNameExpression() =>
        CompiledTemplate.Expand(template.Resource("Microsoft.ManagedIdentity/userAssignedIdentities").Name, template.RootScope);

    private void AssertIsAppIdentityClientId(string expression)
    {
        Assert.StartsWith($"reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', {AppIdentityNameExpression()}), ", expression, StringComparison.Ordinal);
        Assert.EndsWith(").clientId", expression, StringComparison.Ordinal);
    }
}

/// <summary>One resource of the compiled template, with the (nested) template it is declared in.</summary>
internal sealed record TemplateResource(JsonElement Json, TemplateScope Scope)
{
    public string Type => Json.GetProperty("type").GetString()!;

    public string Name => Json.GetProperty("name").GetString()!;

    public JsonElement Path(params string[] names) =>
        names.Aggregate(Json, (element, name) => element.GetProperty(name));
}

/// <summary>A template (root or nested module) and how its parameters were given.</summary>
internal sealed record TemplateScope(JsonElement Template, JsonElement? DeploymentParameters, TemplateScope? Parent, string? DeploymentName);

/// <summary>Compiles bicep/main.bicep with the Bicep CLI from NuGet, once for the whole test class.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private const string BicepVersion = "0.49.2";
    private JsonDocument? document;
    private List<TemplateResource> resources = [];

    internal string RepoRoot { get; } = FindRepoRoot();

    internal int ExitCode { get; private set; }

    internal string Diagnostics { get; private set; } = "";

    internal JsonElement Root => (document ?? throw new InvalidOperationException("The template was not compiled.")).RootElement;

    internal TemplateScope RootScope { get; private set; } = new(default, null, null, null);

    internal IReadOnlyList<TemplateResource> Resources => resources;

    public async Task InitializeAsync()
    {
        var bicep = await LocateBicepAsync();
        var outputDirectory = Directory.CreateTempSubdirectory("jimp-bicep-");
        try
        {
            var outFile = Path.Combine(outputDirectory.FullName, "main.json");
            var (exitCode, _, stderr) = await RunAsync(bicep, ["build", Path.Combine(RepoRoot, "bicep", "main.bicep"), "--outfile", outFile]);
            ExitCode = exitCode;
            Diagnostics = stderr;
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"bicep build failed ({exitCode}):\n{stderr}");
            }
            document = JsonDocument.Parse(await File.ReadAllTextAsync(outFile));
        }
        finally
        {
            outputDirectory.Delete(recursive: true);
        }
        RootScope = new TemplateScope(Root, null, null, null);
        resources = Flatten(RootScope).ToList();
    }

    public Task DisposeAsync()
    {
        document?.Dispose();
        return Task.CompletedTask;
    }

    internal IEnumerable<TemplateResource> OfType(string type) =>
        resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    internal TemplateResource Resource(string type)
    {
        var matches = OfType(type).ToList();
        return matches.Count == 1 ? matches[0] : throw new InvalidOperationException($"Expected one {type}, found {matches.Count}.");
    }

    /// <summary>Name of the root-level module deployment that declares the one resource of this type.</summary>
    internal string DeploymentNameHolding(string type)
    {
        var scope = Resource(type).Scope;
        while (scope.Parent is { Parent: not null })
        {
            scope = scope.Parent;
        }
        return scope.DeploymentName ?? throw new InvalidOperationException($"{type} is declared in main.bicep itself.");
    }

    /// <summary>Last segment of a child resource's name, expanded: 'exports' for "[format('{0}/{1}/{2}', parameters('name'), 'default', 'exports')]".</summary>
    internal static string ShortNameOf(TemplateResource resource)
    {
        var match = Regex.Match(resource.Name, @",\s*([^,]+?)\)\]$");
        var expression = match.Success ? $"[{match.Groups[1].Value}]" : resource.Name;
        return Expand(expression, resource.Scope).Trim('\'');
    }

    /// <summary>
    /// Rewrites an ARM value as a root-level expression: every parameters('x') of a module is
    /// replaced by what the parent deployment passed (or the module's default), recursively.
    /// A literal string comes back quoted ('text').
    /// </summary>
    internal static string Expand(string value, TemplateScope scope)
    {
        if (!value.StartsWith('[') || value.StartsWith("[[", StringComparison.Ordinal) || !value.EndsWith(']'))
        {
            var literal = value.StartsWith("[[", StringComparison.Ordinal) ? value[1..] : value;
            return $"'{literal.Replace("'", "''", StringComparison.Ordinal)}'";
        }
        var expression = value[1..^1];
        return Regex.Replace(expression, @"(parameters|variables)\('(\w+)'\)", match =>
        {
            var name = match.Groups[2].Value;
            if (match.Groups[1].Value == "variables")
            {
                // String variables are inlined; objects and arrays stay as variables('x').
                return scope.Template.TryGetProperty("variables", out var variables)
                       && variables.TryGetProperty(name, out var variable) && variable.ValueKind == JsonValueKind.String
                    ? Expand(variable.GetString()!, scope)
                    : match.Value;
            }
            var (argument, argumentScope) = ParameterValue(name, scope);
            if (argumentScope is null)
            {
                return match.Value; // a root parameter: as far as the template goes
            }
            return argument.ValueKind == JsonValueKind.String
                ? Expand(argument.GetString()!, argumentScope)
                : argument.GetRawText();
        });
    }

    /// <summary>Follows a chain of plain parameters('x') references to the literal value it ends with.</summary>
    internal static JsonElement ResolveLiteral(JsonElement value, TemplateScope scope)
    {
        while (value.ValueKind == JsonValueKind.String && Regex.Match(value.GetString()!, @"^\[parameters\('(\w+)'\)\]$") is { Success: true } match)
        {
            var (argument, argumentScope) = ParameterValue(match.Groups[1].Value, scope);
            if (argumentScope is null)
            {
                throw new InvalidOperationException($"{value} is the root parameter {match.Groups[1].Value}, not a literal.");
            }
            (value, scope) = (argument, argumentScope);
        }
        return value;
    }

    /// <summary>The root parameter definition a value comes from (through module parameters).</summary>
    internal JsonElement RootParameterOf(JsonElement value, TemplateScope scope)
    {
        var expression = Expand(value.GetString()!, scope);
        var match = Regex.Match(expression, @"^parameters\('(\w+)'\)$");
        Assert.True(match.Success, $"{value} is {expression}, not a root parameter");
        return Root.GetProperty("parameters").GetProperty(match.Groups[1].Value);
    }

    /// <summary>Every string inside a resource, expanded to root-level expressions.</summary>
    internal static IEnumerable<string> ExpandedStrings(JsonElement element, TemplateScope scope) => element.ValueKind switch
    {
        JsonValueKind.String => [Expand(element.GetString()!, scope)],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => ExpandedStrings(p.Value, scope).Append(Expand(p.Name, scope))),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(e => ExpandedStrings(e, scope)),
        _ => [],
    };

    /// <returns>The value given to a parameter and the scope that value is written in; a null scope for root parameters.</returns>
    private static (JsonElement Value, TemplateScope? Scope) ParameterValue(string name, TemplateScope scope)
    {
        if (scope.Parent is null)
        {
            return (default, null);
        }
        if (scope.DeploymentParameters is { } given && given.TryGetProperty(name, out var passed))
        {
            return (passed.GetProperty("value"), scope.Parent);
        }
        var definition = scope.Template.GetProperty("parameters").GetProperty(name);
        return definition.TryGetProperty("defaultValue", out var defaultValue)
            ? (defaultValue, scope)
            : throw new InvalidOperationException($"Module parameter {name} has neither a value nor a default.");
    }

    /// <summary>All resources, including those of nested module deployments (which are left out themselves).</summary>
    private static IEnumerable<TemplateResource> Flatten(TemplateScope scope)
    {
        var declared = scope.Template.GetProperty("resources");
        var list = declared.ValueKind == JsonValueKind.Object
            ? declared.EnumerateObject().Select(p => p.Value)
            : declared.EnumerateArray();
        foreach (var resource in list)
        {
            if (resource.TryGetProperty("existing", out var existing) && existing.GetBoolean())
            {
                continue;
            }
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                var parameters = resource.GetProperty("properties").TryGetProperty("parameters", out var p) ? p : (JsonElement?)null;
                var name = resource.GetProperty("name").GetString();
                foreach (var inner in Flatten(new TemplateScope(nested, parameters, scope, name)))
                {
                    yield return inner;
                }
                continue;
            }
            yield return new TemplateResource(resource, scope);
        }
    }

    private async Task<string> LocateBicepAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BICEP_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", BicepVersion, "tools", "bicep");
        if (!File.Exists(bicep))
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var project = Path.Combine(RepoRoot, "tools", "bicep", "Bicep.CommandLine.proj");
            var (exitCode, stdout, stderr) = await RunAsync(dotnet, ["restore", project]);
            if (exitCode != 0 || !File.Exists(bicep))
            {
                throw new InvalidOperationException($"Could not restore the Bicep CLI ({project}):\n{stdout}\n{stderr}");
            }
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        }
        return bicep;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        // JIMP_REPO_ROOT lets a test build that lives outside the repository point at it.
        if (Environment.GetEnvironmentVariable("JIMP_REPO_ROOT") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JIMP.sln")) || Directory.Exists(Path.Combine(directory.FullName, ".git")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No JIMP.sln or .git above {AppContext.BaseDirectory}.");
    }
}
