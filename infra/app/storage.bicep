// The template's storage account: host storage (AzureWebJobsStorage: keys, timer locks, blob-trigger
// receipts and queues), the deployment package container (Flex Consumption), and the history container
// unless the history lives in an existing account. Shared-key access is off: every client authenticates
// with Microsoft Entra ID (the app's identity, or a person's for the CLI).
param name string
param location string
param tags object
param deploymentContainerName string

@description('History container to create here; empty when the history lives in another account.')
param historyContainerName string

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_GZRS'])
param skuName string = 'Standard_LRS'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }

  resource blobs 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: { publicAccess: 'None' }
    }

    resource history 'containers' = if (!empty(historyContainerName)) {
      name: !empty(historyContainerName) ? historyContainerName : 'unused'
      properties: { publicAccess: 'None' }
    }
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
