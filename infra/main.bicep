// The Ray history app on Azure Functions, for `azd up` (azure.yaml). One resource group with a
// user-assigned identity, a storage account with shared-key access off (host storage, the deployment
// package, and by default the history container), Application Insights with local auth off, the plan
// and the function app; role assignments for exactly what the host, the blob triggers and the app do;
// an Event Grid system topic on the history account (its two subscriptions are created after the code
// is deployed, by the postdeploy hook). Built from plain resources, no registry modules, so the files
// can be checked offline (test/deploy/bicep.test.ts). Walkthrough: docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource (a region that offers the chosen plan; Flex Consumption is not in all).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create or use; default rg-<environmentName>.')
param resourceGroupName string = ''

@allowed(['FlexConsumption', 'ElasticPremium', 'Dedicated'])
@description('Hosting plan. Flex Consumption scales to zero and only takes the Event Grid trigger source.')
param hostingPlan string = 'FlexConsumption'

@description('Plan SKU; default FC1 (Flex Consumption), EP1 (Elastic Premium) or P0v3 (Dedicated).')
param planSku string = ''

@allowed(['22', '20'])
@description('Node.js version of the app (22; 20 where a plan or region does not offer 22).')
param nodeVersion string = '22'

@description('Flex Consumption: most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Flex Consumption: memory of one instance, in MB.')
param instanceMemoryMB int = 2048

@description('Container of the logs, events, metadata and index (AZURE_STORAGE_CONTAINER).')
@minLength(3)
@maxLength(63)
param historyContainerName string = 'ray-historyserver'

@description('Keep the history in this existing storage account instead of the one the template creates.')
param existingStorageAccountName string = ''

@description('Resource group of the existing storage account; default the app\'s resource group.')
param existingStorageAccountResourceGroup string = ''

@description('An account has at most one Event Grid system topic: name the existing one to reuse it.')
param existingEventGridSystemTopicName string = ''

@allowed(['EventGrid', 'LogsAndContainerScan'])
@description('Source of the indexer\'s blob triggers. Flex Consumption always uses EventGrid.')
param indexerTriggerSource string = 'EventGrid'

@description('When the reconcileIndex timer rebuilds the index: six NCRONTAB fields, UTC (a TimeSpan hh:mm:ss only on Dedicated).')
param reconcileSchedule string = '0 0 * * * *'

@description('false sets AzureWebJobs.reconcileIndex.Disabled=true: the timer never runs.')
param reconcileTimerEnabled bool = true

@allowed(['function', 'anonymous'])
@description('Auth level of the query routes: function (a key to read) unless the app sits behind other auth.')
param queryAuthLevel string = 'function'

@description('Object id of a person or group who may read and write the history container (npm run reindex from a workstation); empty for none.')
param operatorPrincipalId string = ''

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var useExistingAccount = !empty(existingStorageAccountName)
var groupName = !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
var historyGroupName = useExistingAccount && !empty(existingStorageAccountResourceGroup)
  ? existingStorageAccountResourceGroup
  : groupName
var isFlex = hostingPlan == 'FlexConsumption'
var triggerSource = isFlex ? 'EventGrid' : indexerTriggerSource
var storageAccountName = 'st${token}'
var historyAccountName = useExistingAccount ? existingStorageAccountName : storageAccountName
var systemTopicName = !empty(existingEventGridSystemTopicName) ? existingEventGridSystemTopicName : 'evgt-${token}'
var deploymentContainerName = 'app-package'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: groupName
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${token}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    historyContainerName: useExistingAccount ? '' : historyContainerName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    token: token
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

// The history account: the template's own, or the existing one in its resource group.
module history 'app/history.bicep' = {
  name: 'history'
  scope: resourceGroup(historyGroupName)
  params: {
    accountName: historyAccountName
    containerName: historyContainerName
    createContainer: useExistingAccount
    principalId: identity.outputs.principalId
    pollingSource: triggerSource == 'LogsAndContainerScan'
    systemTopicName: triggerSource == 'EventGrid' ? systemTopicName : ''
    createSystemTopic: empty(existingEventGridSystemTopicName)
    operatorPrincipalId: operatorPrincipalId
    tags: tags
  }
  dependsOn: [storage]
}

// Host storage (AzureWebJobsStorage) needs its roles on the template's account too when the history
// lives elsewhere; otherwise the history module's assignments on that same account cover it.
module hostRoles 'app/storageRoles.bicep' = if (useExistingAccount) {
  name: 'hostStorageRoles'
  scope: rg
  params: {
    accountName: storageAccountName
    principalId: identity.outputs.principalId
    pollingSource: triggerSource == 'LogsAndContainerScan'
  }
  dependsOn: [storage]
}

module app 'app/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    hostingPlan: hostingPlan
    planSku: planSku
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostBlobEndpoint: storage.outputs.blobEndpoint
    hostQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    historyBlobEndpoint: history.outputs.blobEndpoint
    historyQueueEndpoint: history.outputs.queueEndpoint
    historyContainerName: historyContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    indexerTriggerSource: triggerSource
    reconcileSchedule: reconcileSchedule
    reconcileTimerEnabled: reconcileTimerEnabled
    queryAuthLevel: queryAuthLevel
  }
  // The host reaches storage at its first start: the roles must exist by then.
  dependsOn: [history, hostRoles, monitoring]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output HISTORY_URL string = 'https://${app.outputs.defaultHostName}'
output HISTORY_STORAGE_ACCOUNT string = historyAccountName
output HISTORY_CONTAINER string = historyContainerName
output INDEXER_TRIGGER_SOURCE string = triggerSource
output EVENT_GRID_SYSTEM_TOPIC string = triggerSource == 'EventGrid' ? systemTopicName : ''
output EVENT_GRID_SYSTEM_TOPIC_RESOURCE_GROUP string = historyGroupName
