// Flex Consumption plan + .NET 10 isolated function app. Every connection is identity-based
// (the user-assigned identity), and the one secret is a Key Vault reference.

@description('Azure region (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource; azd-service-name is added to the app.')
param tags object

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Name of the host storage account (AzureWebJobsStorage, Durable task hub, deployment package).')
param hostStorageAccountName string

@description('Blob endpoint of the host storage account, ending with a slash.')
param hostStorageBlobEndpoint string

@description('Table service URI of the data storage account (the app\'s tables, personal data).')
param storageTableServiceUri string

@description('Blob service URI of the data storage account (exports).')
param storageBlobServiceUri string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Azure OpenAI endpoint.')
param openAiEndpoint string

@description('Azure OpenAI chat deployment name.')
param openAiDeploymentName string

@description('The chat deployment\'s tokens per minute (capacity × 1,000): the app shares it across instances (Chat__ModelTokensPerMinute).')
@minValue(1000)
param modelTokensPerMinute int

@description('Application Insights connection string (not a secret: it only identifies the component).')
param appInsightsConnectionString string

@description('Public origin when a custom domain is bound (https://coach.example.fr); empty: the app uses https://$WEBSITE_HOSTNAME, its default host name.')
param publicOrigin string = ''

@description('SMTP host.')
param smtpHost string

@description('SMTP port.')
param smtpPort int

@description('SMTP user name.')
param smtpUser string

@description('Sender address of outgoing e-mail.')
param smtpSender string

@description('Bulk mail: the provider\'s rate, messages a minute (Email__BulkPerMinute).')
@minValue(1)
param emailBulkPerMinute int

@description('Bulk mail: the provider\'s daily quota left for bulk mail, messages a UTC day; 0: none (Email__BulkPerDay).')
@minValue(0)
param emailBulkPerDay int

@description('URI of the Key Vault holding the SMTP password, ending with a slash.')
param keyVaultUri string

@description('Name of the Key Vault secret holding the SMTP password.')
param smtpPasswordSecretName string

@description('Name of the Key Vault secret holding the keyed-hash key.')
param keyedHashKeySecretName string

@description('Base URL of the Creative Center trends source (empty: trends refresh is off).')
param trendsBaseUrl string

@description('Nights of table backups kept (the app deletes older ones; storage.bicep makes them immutable that long).')
param backupRetentionDays int

@description('Maximum number of instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// The timers' schedules, defined once (Platform/TimerSchedules.cs embeds the same file).
var timerSchedules = loadJsonContent('../../functions/Jimp.Functions/Platform/timer-schedules.json')

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // No CORS: the web app is served by this app, on the same origin as the API.
      appSettings: [
        // Functions host storage (triggers, Durable Functions task hub), its own account: identity, no key.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: hostStorageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // DefaultAzureCredential in the app picks the user-assigned identity.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'Storage__TableServiceUri'
          value: storageTableServiceUri
        }
        {
          name: 'Storage__BlobServiceUri'
          value: storageBlobServiceUri
        }
        {
          name: 'Model__Provider'
          value: 'azure-openai'
        }
        {
          name: 'Model__Endpoint'
          value: openAiEndpoint
        }
        {
          name: 'Model__Deployment'
          value: openAiDeploymentName
        }
        {
          name: 'Chat__ModelTokensPerMinute'
          value: string(modelTokensPerMinute)
        }
        {
          name: 'Email__Host'
          value: smtpHost
        }
        {
          name: 'Email__Port'
          value: string(smtpPort)
        }
        {
          name: 'Email__User'
          value: smtpUser
        }
        {
          name: 'Email__Sender'
          value: smtpSender
        }
        {
          name: 'Email__TlsMode'
          value: 'StartTls'
        }
        {
          name: 'Email__BulkPerMinute'
          value: string(emailBulkPerMinute)
        }
        {
          name: 'Email__BulkPerDay'
          value: string(emailBulkPerDay)
        }
        // Resolved by the platform with keyVaultReferenceIdentity; the value never sits here.
        // Versionless secret URI: a rotated password is picked up without a redeployment.
        {
          name: 'Email__Password'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${smtpPasswordSecretName})'
        }
        // Azure's front end is the one proxy in front of the app: the client is the last X-Forwarded-For entry,
        // whatever a client writes to the left of it (Platform/ClientInfo.cs).
        {
          name: 'ClientAddress__TrustedProxyHops'
          value: '1'
        }
        // The keyed-hash key (HMAC of the e-mail index, rate limits, tombstone ids): resolved from Key Vault likewise.
        {
          name: 'KeyedHash__Key'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${keyedHashKeySecretName})'
        }
        // Empty unless a custom domain is bound: the app then uses https://$WEBSITE_HOSTNAME (AppOptions).
        {
          name: 'App__PublicBaseUrl'
          value: publicOrigin
        }
        // The web app answers at / (Platform/Web/WebApp.cs): the host's own welcome page must not.
        {
          name: 'AzureWebJobsDisableHomepage'
          value: 'true'
        }
        {
          name: 'Trends__BaseUrl'
          value: trendsBaseUrl
        }
        // Timer schedules (six-field NCRONTAB, UTC): the functions read them as %Section:Setting%; the values come from
        // their one definition, functions/Jimp.Functions/Platform/timer-schedules.json (also read by the DevHost).
        {
          name: 'Trends__RefreshSchedule'
          value: timerSchedules['Trends:RefreshSchedule']
        }
        {
          name: 'Retention__LogExpirySchedule'
          value: timerSchedules['Retention:LogExpirySchedule']
        }
        {
          name: 'Retention__HousekeepingSchedule'
          value: timerSchedules['Retention:HousekeepingSchedule']
        }
        {
          name: 'Retention__InactivitySchedule'
          value: timerSchedules['Retention:InactivitySchedule']
        }
        {
          name: 'Backups__Schedule'
          value: timerSchedules['Backups:Schedule']
        }
        {
          name: 'Backups__RetentionDays'
          value: string(backupRetentionDays)
        }
        {
          name: 'Insights__Schedule'
          value: timerSchedules['Insights:Schedule']
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        // Application Insights has local auth off: telemetry is sent with the identity.
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD;ClientId=${identityClientId}'
        }
      ]
    }
  }
}

// No FTP or SCM basic-auth publishing: azd deploys with Entra ID.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
