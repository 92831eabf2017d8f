// Storage account of the app's data, personal data included: Table (all structured data) and Blob
// (exports). The Functions host, Durable Functions and the deployment package live in another account
// (hoststorage.bicep), so the app's roles here are only what its code uses. Identity-only: shared keys are disabled.

@description('Azure region (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource.')
param tags object

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Name of the app\'s user-assigned identity (granted the roles below).')
param appIdentityName string

@description('Log Analytics workspace that receives the storage resource logs.')
param workspaceId string

@description('Days a deleted blob or container can still be restored, and days an export lives.')
param retentionDays int = 7

@description('Nights of table backups kept: the backups container is immutable that long (time-based retention), then deleted.')
param backupRetentionDays int = 7

// Tables the app uses. Month-sharded security logs (securitylog{yyyyMM}) are created at run time.
var tableNames = [
  'users'
  'emailindex'
  'signinmonths'
  'signintokens'
  'sessions'
  'profiles'
  'conversations'
  'chatbudget'
  'consents'
  'requestlog'
  'requests'
  'exportrecords'
  'tombstones'
  'purgequeue'
  'policyannouncements'
  'keyedhashstate'
  'trends'
  'insights'
  'insightsquestions'
  'ratelimits'
  'workspaceproducts'
  'workspacevideos'
  'workspaceplans'
  'minorblocklist'
  'breaches'
  'mailings'
  'mailingsent'
]

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: retentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: retentionDays
    }
  }
}

resource exportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: 'exports'
  properties: {
    publicAccess: 'None'
  }
}

// The nightly table backups (functions/Jimp.Functions/Backups): one blob per table per night and a manifest.
resource backupsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: 'backups'
  properties: {
    publicAccess: 'None'
  }
}

// Time-based retention (WORM): for backupRetentionDays after it is written, nobody can change or delete a backup,
// the app's identity included (its data role cannot lift the policy), so a compromised identity, a bug or a bad
// deployment cannot take the backups with the data. The owner locks it once deployed (docs/privacy/owner-checklist.md):
// a locked policy cannot be shortened or removed, even by an account owner.
resource backupsImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-06-01' = {
  parent: backupsContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: backupRetentionDays
    allowProtectedAppendWrites: false
  }
}

// Backstop for the export promise: the app expires links after 7 days, and any export blob is
// deleted by the platform once it is older than 7 days (the policy runs about once a day).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        // Backstop for the backups' retention: the nightly job deletes nights older than backupRetentionDays, and
        // the platform deletes any backup blob a day after that (once its immutability has run out).
        {
          enabled: true
          name: 'delete-backups-after-retention'
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'backups/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: backupRetentionDays
                }
              }
            }
          }
        }
        {
          enabled: true
          name: 'delete-exports-after-7-days'
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'exports/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: retentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Resource logs of writes and deletes (the audit trail). Reads are left out: they are most of
// the volume, and so of the Log Analytics cost. Metrics cover request counts.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

// Storage Blob Data Contributor: the app reads, writes and deletes export archives. Not Owner: it never
// changes containers' access or ACLs.
resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentity.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor: the app's tables (accounts, conversations, logs, ...), month-sharded log
// tables created and deleted at run time included. No queue role: the app's code uses no queue here.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentity.id, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableServiceUri string = 'https://${account.name}.table.${environment().suffixes.storage}'
output blobServiceUri string = 'https://${account.name}.blob.${environment().suffixes.storage}'
