// The plan and the function app, with every app setting the app reads (src/storage/config.ts
// APP_SETTINGS; test/deploy/ checks them against the code) and the host's identity-based connections.
param name string
param planName string
param location string
param tags object

@allowed(['FlexConsumption', 'ElasticPremium', 'Dedicated'])
param hostingPlan string

@description('Empty for the plan\'s default SKU.')
param planSku string

param nodeVersion string
param maximumInstanceCount int
param instanceMemoryMB int
param identityId string
param identityClientId string
param hostBlobEndpoint string
param hostQueueEndpoint string
param deploymentContainerUrl string
param historyBlobEndpoint string
param historyQueueEndpoint string
param historyContainerName string
param appInsightsConnectionString string
param indexerTriggerSource string
param reconcileSchedule string
param reconcileTimerEnabled bool
param queryAuthLevel string

var isFlex = hostingPlan == 'FlexConsumption'
var defaultSku = {
  FlexConsumption: { name: 'FC1', tier: 'FlexConsumption' }
  ElasticPremium: { name: 'EP1', tier: 'ElasticPremium' }
  Dedicated: { name: 'P0v3', tier: 'PremiumV3' }
}
var sku = empty(planSku) ? defaultSku[hostingPlan] : { name: planSku }

// What the app reads (AZURE_*, HistoryStorage__*, INDEX*, QUERY_AUTH_LEVEL) and what the host reads
// (AzureWebJobsStorage__*, APPLICATIONINSIGHTS_*, the Disabled switch). No keys, no connection strings.
var appSettings = {
  AzureWebJobsStorage__blobServiceUri: hostBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostQueueEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_STORAGE_AUTH_MODE: 'managed_identity'
  AZURE_STORAGE_ACCOUNT_URL: historyBlobEndpoint
  AZURE_CLIENT_ID: identityClientId
  AZURE_STORAGE_CONTAINER: historyContainerName
  HistoryStorage__blobServiceUri: historyBlobEndpoint
  HistoryStorage__queueServiceUri: historyQueueEndpoint
  HistoryStorage__credential: 'managedidentity'
  HistoryStorage__clientId: identityClientId
  INDEXER_TRIGGER_SOURCE: indexerTriggerSource
  INDEX_RECONCILE_SCHEDULE: reconcileSchedule
  'AzureWebJobs.reconcileIndex.Disabled': reconcileTimerEnabled ? 'false' : 'true'
  QUERY_AUTH_LEVEL: queryAuthLevel
}

// Elastic Premium and Dedicated run the zip azd uploads (no Azure Files content share: it would need
// shared keys); Flex Consumption takes its runtime from functionAppConfig and refuses these settings.
var classicPlanSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  WEBSITE_RUN_FROM_PACKAGE: '1'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : (hostingPlan == 'ElasticPremium' ? 'elastic' : 'linux')
  sku: sku
  properties: {
    reserved: true
    maximumElasticWorkerCount: hostingPlan == 'ElasticPremium' ? maximumInstanceCount : null
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      linuxFxVersion: isFlex ? null : 'Node|${nodeVersion}'
      // Timers and blob triggers need the app running on a Dedicated plan.
      alwaysOn: hostingPlan == 'Dedicated'
    }
    functionAppConfig: isFlex
      ? {
          deployment: {
            storage: {
              type: 'blobContainer'
              value: deploymentContainerUrl
              authentication: {
                type: 'UserAssignedIdentity'
                userAssignedIdentityResourceId: identityId
              }
            }
          }
          scaleAndConcurrency: {
            maximumInstanceCount: maximumInstanceCount
            instanceMemoryMB: instanceMemoryMB
          }
          runtime: { name: 'node', version: nodeVersion }
        }
      : null
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, isFlex ? {} : classicPlanSettings)
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
