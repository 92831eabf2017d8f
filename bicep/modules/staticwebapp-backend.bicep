// Links the function app as the static web app's /api backend, so the browser calls the API
// on the web origin (same-origin: no CORS needed, the session cookie stays first-party).

@description('Name of the existing static web app.')
param staticWebAppName string

@description('Resource id of the function app.')
param functionAppId string

@description('Region of the function app.')
param functionAppLocation string

resource staticWebApp 'Microsoft.Web/staticSites@2025-03-01' existing = {
  name: staticWebAppName
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2025-03-01' = {
  parent: staticWebApp
  name: 'api'
  properties: {
    backendResourceId: functionAppId
    region: functionAppLocation
  }
}
