// JIMP infrastructure, deployed by `azd up` into one resource group.
// Everything stays in EU regions; every connection uses the app's user-assigned identity.
targetScope = 'resourceGroup'

@description('Name of the azd environment; part of every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region of the app, storage, monitoring and Key Vault. EU member-state regions only (GDPR: data stays in the EU).')
@allowed([
  'francecentral'
  'germanywestcentral'
  'westeurope'
  'northeurope'
  'swedencentral'
  'italynorth'
  'polandcentral'
  'spaincentral'
])
param location string = 'francecentral'

@description('Region of Azure OpenAI. EU regions that offer the default model (gpt-5.1 2025-11-13) as Data Zone Standard (EU): processing stays in the EU data zone. See docs/deploy.md to add another EU region with another model.')
@allowed([
  'swedencentral'
  'francecentral'
])
param openAiLocation string = 'swedencentral'

@description('Public origin of the app when a custom domain is bound to the function app (https://coach.example.fr); empty: the function app\'s own https://<default host name>, read by the app from WEBSITE_HOSTNAME.')
param publicOrigin string = ''

@description('Chat model deployed in Azure OpenAI: GA, Data Zone Standard (EU) in the allowed regions, retirement 2027-05-15 (docs/deploy.md).')
@minLength(1)
param chatModelName string = 'gpt-5.1'

@description('Version of the chat model; upgraded by Azure only when this version expires (OnceCurrentVersionExpired).')
@minLength(1)
param chatModelVersion string = '2025-11-13'

@description('Name of the chat deployment the app calls (Model__Deployment), independent of the model: switching models keeps the name.')
@minLength(2)
@maxLength(64)
param chatDeploymentName string = 'chat'

// The model quota is planned, not guessed (docs/scaling.md): capacity (K tokens/min) =
//   ceil(plannedCreators × turnsPerCreatorPerDay × tokensPerTurn × peakFactor / 1,440 minutes / 1,000).
// Defaults: 1,000 creators × 10 turns × 4,000 tokens × 4 (busiest minute vs the day's average) → 112K TPM.
// chatModelCapacity, when set above 0, overrides the formula (e.g. the quota the subscription actually has).
@description('Creators the model quota is planned for.')
@minValue(1)
param plannedCreators int = 1000

@description('Chat turns a creator makes on a busy day.')
@minValue(1)
param turnsPerCreatorPerDay int = 10

@description('Tokens one turn costs, prompt and answer (the prompt budget is 6,000; measured turns are 2,000 to 5,000).')
@minValue(1)
param tokensPerTurn int = 4000

@description('How much busier the busiest minute is than the day\'s average minute.')
@minValue(1)
param peakFactor int = 4

@description('Chat deployment capacity in thousands of tokens per minute; 0 = computed from the planning parameters above.')
@minValue(0)
param chatModelCapacity int = 0

var plannedTokensPerMinute = plannedCreators * turnsPerCreatorPerDay * tokensPerTurn * peakFactor / 1440
var chatCapacity = max(1, chatModelCapacity > 0 ? chatModelCapacity : (plannedTokensPerMinute + 999) / 1000)

@description('Days logs are kept in Log Analytics / Application Insights (at most 365: logs live 12 months at most).')
@minValue(30)
@maxValue(365)
param logRetentionInDays int = 30

@description('SMTP host of the e-mail provider.')
param smtpHost string = ''

@description('SMTP port (STARTTLS).')
@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('SMTP user name.')
param smtpUser string = ''

@description('Sender address of outgoing e-mail.')
param smtpSender string = ''

@description('Bulk mail (announcements, inactivity warnings, campaigns): the mail provider\'s rate, messages a minute.')
@minValue(1)
param emailBulkPerMinute int = 60

@description('Bulk mail: the provider\'s daily quota minus room for sign-in mails (e.g. 90000 of a 100,000/day plan), messages a UTC day; 0: no daily cap.')
@minValue(0)
param emailBulkPerDay int = 0

@description('SMTP password: stored in Key Vault as smtp-password, never in an app setting.')
@secure()
param smtpPassword string = ''

@description('Key of the keyed hashes (HMAC): base64 of at least 32 random bytes, e.g. `openssl rand -base64 32`. Required; keep it for the life of the deployment. Stored in Key Vault as keyed-hash-key.')
@secure()
@minLength(44)
param keyedHashKey string

@description('Base URL of the TikTok Creative Center trends source (empty: trends refresh is off).')
param trendsBaseUrl string = ''

@description('E-mail address that receives alerts and budget notices (empty: alerts show in the portal only and no budget is created).')
param alertEmail string = ''

@description('Failed (5xx) requests in 15 minutes that raise an alert.')
@minValue(1)
param failedRequestsThreshold int = 5

@description('Azure OpenAI 429 answers in 15 minutes that raise an alert.')
@minValue(1)
param model429Threshold int = 10

@description('Failed orchestrations (export, erasure) in an hour that raise an alert.')
@minValue(1)
param failedOrchestrationsThreshold int = 1

@description('Monthly budget of the resource group, in the billing currency (0: none). Notices at 80 % spent and 100 % forecast.')
@minValue(0)
param monthlyBudget int = 50

@description('First day of the budget (defaults to the first of the month of the deployment).')
param budgetStartDate string = utcNow('yyyy-MM-01')

@description('Nights of table backups kept: the backups container\'s immutability period, its lifecycle deletion and the app\'s Backups:RetentionDays (the privacy policy states this number).')
@minValue(1)
@maxValue(35)
param backupRetentionDays int = 7

var token = uniqueString(resourceGroup().id, environmentName)
var tags = {
  'azd-env-name': environmentName
  app: 'jimp'
}
var deploymentContainerName = 'deployment'
var smtpPasswordSecretName = 'smtp-password'
var keyedHashKeySecretName = 'keyed-hash-key'

// The app's identity: every data-plane permission below is granted to it, and only to it.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-jimp-${token}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: 'log-jimp-${token}'
    appInsightsName: 'appi-jimp-${token}'
    retentionInDays: logRetentionInDays
    appIdentityName: appIdentity.name
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: 'stjimp${token}'
    appIdentityName: appIdentity.name
    workspaceId: monitoring.outputs.workspaceId
    backupRetentionDays: backupRetentionDays
  }
}

// The Functions host's own account (host locks, Durable task hub, deployment package), apart from the data.
module hostStorage 'modules/hoststorage.bicep' = {
  name: 'host-storage'
  params: {
    location: location
    tags: tags
    name: 'stjimphost${take(token, 14)}'
    appIdentityName: appIdentity.name
    workspaceId: monitoring.outputs.workspaceId
    deploymentContainerName: deploymentContainerName
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    location: openAiLocation
    tags: tags
    name: 'oai-jimp-${token}'
    deploymentName: chatDeploymentName
    modelName: chatModelName
    modelVersion: chatModelVersion
    capacity: chatCapacity
    appIdentityName: appIdentity.name
    workspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: 'kv-jimp-${token}'
    smtpPassword: smtpPassword
    smtpPasswordSecretName: smtpPasswordSecretName
    keyedHashKey: keyedHashKey
    keyedHashKeySecretName: keyedHashKeySecretName
    appIdentityName: appIdentity.name
    workspaceId: monitoring.outputs.workspaceId
  }
}

// No Static Web App: its linked backends do not support Flex Consumption, and it cuts proxied requests at 45 s.
// The function app serves web/dist itself (Platform/Web/WebApp.cs), on the API's origin (docs/deploy.md).
module api 'modules/functionapp.bicep' = {
  name: 'api'
  params: {
    location: location
    tags: tags
    name: 'func-jimp-${token}'
    planName: 'plan-jimp-${token}'
    identityId: appIdentity.id
    identityClientId: appIdentity.properties.clientId
    hostStorageAccountName: hostStorage.outputs.name
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    storageTableServiceUri: storage.outputs.tableServiceUri
    storageBlobServiceUri: storage.outputs.blobServiceUri
    deploymentContainerName: deploymentContainerName
    openAiEndpoint: openAi.outputs.endpoint
    openAiDeploymentName: openAi.outputs.deploymentName
    modelTokensPerMinute: chatCapacity * 1000
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    publicOrigin: publicOrigin
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpUser: smtpUser
    smtpSender: smtpSender
    emailBulkPerMinute: emailBulkPerMinute
    emailBulkPerDay: emailBulkPerDay
    keyVaultUri: keyVault.outputs.uri
    smtpPasswordSecretName: smtpPasswordSecretName
    keyedHashKeySecretName: keyedHashKeySecretName
    trendsBaseUrl: trendsBaseUrl
    backupRetentionDays: backupRetentionDays
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    namePrefix: 'jimp-${token}'
    appInsightsId: monitoring.outputs.appInsightsId
    openAiAccountId: openAi.outputs.id
    functionAppHostName: api.outputs.defaultHostName
    alertEmail: alertEmail
    failedRequestsThreshold: failedRequestsThreshold
    model429Threshold: model429Threshold
    modelTokensPerMinuteCapacity: chatCapacity * 1000
    failedOrchestrationsThreshold: failedOrchestrationsThreshold
    monthlyBudget: monthlyBudget
    budgetStartDate: budgetStartDate
  }
}

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}'
output WEB_BASE_URL string = empty(publicOrigin) ? 'https://${api.outputs.defaultHostName}' : publicOrigin
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
output CHAT_MODEL_CAPACITY_K_TPM int = chatCapacity
output AZURE_OPENAI_DEPLOYMENT string = openAi.outputs.deploymentName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.appInsightsConnectionString
