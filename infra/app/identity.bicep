// The app's one identity: the Functions host (AzureWebJobsStorage), the blob triggers (HistoryStorage),
// the app's own storage client (AZURE_CLIENT_ID), the deployment package download and telemetry all
// authenticate as it. User-assigned, so its roles exist before the app does.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
