// Key Vault for the secrets the app needs (the SMTP password, the keyed-hash key). RBAC only, no access policies.

@description('Azure region (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource.')
param tags object

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('SMTP password. Stored as the secret smtp-password when not empty.')
@secure()
param smtpPassword string

@description('Name of the app\'s user-assigned identity (granted the roles below).')
param appIdentityName string

@description('Log Analytics workspace that receives the vault\'s audit logs.')
param workspaceId string

@description('Name of the secret holding the SMTP password.')
param smtpPasswordSecretName string

@description('Key of the keyed hashes (HMAC) of e-mail index, rate-limit keys and tombstones: base64 of 32+ random bytes.')
@secure()
param keyedHashKey string

@description('Name of the secret holding the keyed-hash key.')
param keyedHashKeySecretName string

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: smtpPasswordSecretName
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

// Always written (the app does not start without it). Keep the same value across deployments: a new key
// makes every stored keyed hash (e-mail index, tombstones) unmatchable.
resource keyedHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: keyedHashKeySecretName
  properties: {
    value: keyedHashKey
    contentType: 'application/base64'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

// Key Vault Secrets User: read secret values (for the Key Vault reference), nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentity.id, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
