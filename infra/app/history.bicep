// The history account (the template's, or an existing one, in its own resource group): the history
// container when the template did not create it, the identity's roles on the account, an optional
// operator's access to the container, and the Event Grid system topic the indexer's subscriptions use.
param accountName string
param containerName string

@description('Create the container here (an existing account); the template\'s own account already has it.')
param createContainer bool

param principalId string
param pollingSource bool

@description('Event Grid system topic of the account; empty with the polling source.')
param systemTopicName string

@description('false when the account already has a system topic (an account has at most one).')
param createSystemTopic bool

param operatorPrincipalId string
param tags object

// People running `npm run reindex` or reading blobs: read, write and delete in the history container.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: accountName

  resource blobs 'blobServices' existing = {
    name: 'default'
  }
}

resource newContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (createContainer) {
  parent: account::blobs
  name: containerName
  properties: { publicAccess: 'None' }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: account::blobs
  name: containerName
}

module roles 'storageRoles.bicep' = {
  name: 'historyStorageRoles'
  params: {
    accountName: accountName
    principalId: principalId
    pollingSource: pollingSource
  }
}

resource operatorAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(container.id, operatorPrincipalId, storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: operatorPrincipalId
  }
  dependsOn: [newContainer]
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (!empty(systemTopicName) && createSystemTopic) {
  name: !empty(systemTopicName) ? systemTopicName : 'unused'
  location: account.location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
