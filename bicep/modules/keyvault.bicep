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

@description('Secret key of the keyed hash (base64). Stored as the secret keyedHashKeySecretName when not empty.')
@secure()
param keyedHashKey string

@description('Name of the secret holding the keyed-hash key.')
param keyedHashKeySecretName string

@description('Name of the app\'s user-assigned identity (granted the roles below).')
param appIdentityName string

@description('Log Analytics workspace that receives the vault\'s audit logs.')
param workspaceId string

@description('Name of the secret holding the SMTP password.')
param smtpPasswordSecretName string

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

// The keyed-hash key: set once. Changing it re-keys the e-mail index (housekeeping does it) and ends the replay of
// older tombstones against older backups, so it is rotated only as docs/privacy/pseudonymisation.md says.
resource keyedHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(keyedHashKey)) {
  parent: vault
  name: keyedHashKeySecretName
  properties: {
    value: keyedHashKey
    contentType: 'text/plain'
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
