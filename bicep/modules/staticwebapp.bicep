// Static Web App serving web/ (security headers come from web/staticwebapp.config.json).
// Standard tier: linking the function app as the /api backend requires it.

@description('Azure region of the static web app (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource; azd-service-name is added here.')
param tags object

@description('Static web app name.')
param name string

resource site 'Microsoft.Web/staticSites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
    enterpriseGradeCdnStatus: 'Disabled'
  }
}

output name string = site.name
output defaultHostname string = site.properties.defaultHostname
