// Azure OpenAI in an EU region with an EU data-zone deployment: prompts and completions are
// processed inside the EU data zone. Keys are disabled; the app signs in with its identity.

@description('Azure region of the Azure OpenAI account (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource.')
param tags object

@description('Account name; also its custom subdomain (<name>.openai.azure.com).')
param name string

@description('Deployment name the app calls (Model__Deployment).')
param deploymentName string

@description('Model name, e.g. gpt-5.1.')
param modelName string

@description('Model version, e.g. 2025-11-13 for gpt-5.1.')
param modelVersion string

@description('Deployment capacity in thousands of tokens per minute.')
@minValue(1)
param capacity int

@description('Name of the app\'s user-assigned identity (granted the roles below).')
param appIdentityName string

@description('Log Analytics workspace that receives the account\'s resource logs.')
param workspaceId string

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource account 'Microsoft.CognitiveServices/accounts@2025-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
    }
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2025-09-01' = {
  parent: account
  name: deploymentName
  sku: {
    // Data zone (EU) standard: processing stays in the EU data zone of the account's region.
    name: 'DataZoneStandard'
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
    // Azure moves the deployment to the replacement version only when this one expires, so a retirement never
    // leaves the app with a deployment that answers errors (NoAutoUpgrade would).
    versionUpgradeOption: 'OnceCurrentVersionExpired'
    raiPolicyName: 'Microsoft.DefaultV2'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// Cognitive Services OpenAI User: call deployments, nothing else.
resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentity.id, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output id string = account.id
output endpoint string = account.properties.endpoint
output deploymentName string = chat.name
