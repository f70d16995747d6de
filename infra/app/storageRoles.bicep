// The identity's data roles on one storage account: what the Functions host and the blob triggers need
// there (docs/deploy.md lists each with its reason; test/deploy/ checks the two agree).
param accountName string
param principalId string

@description('The polling trigger source (LogsAndContainerScan) also needs Storage Account Contributor.')
param pollingSource bool

var roles = {
  // Host: function keys, timer locks, blob receipts, containers it creates. Blob trigger: reads the
  // blobs it watches. App: reads and writes the history (covers Storage Blob Data Contributor).
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Blob trigger: its internal queue on host storage and the poison queue on the watched account.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Polling source only: Microsoft lists it for blob-trigger host storage (the scan turns on blob
  // logging); the Event Grid source works without it, as Microsoft's own Event Grid quickstart does.
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab'
}
var assigned = pollingSource
  ? [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageAccountContributor]
  : [roles.storageBlobDataOwner, roles.storageQueueDataContributor]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: accountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in assigned: {
    name: guid(account.id, principalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
