// What the owner is told about: failed requests, the model refusing calls (429), failed orchestrations,
// /api/health unreachable from Europe, and the month's spending. Every threshold is a parameter of main.bicep.

@description('Azure region of the monitoring resources (EU only, validated by main.bicep).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name prefix of the alert resources.')
param namePrefix string

@description('Application Insights component id.')
param appInsightsId string

@description('Azure OpenAI account id.')
param openAiAccountId string

@description('Host name of the function app (the availability test calls https://<host>/api/health).')
param functionAppHostName string

@description('Address that receives alerts and budget notices (empty: alerts fire in the portal only, no budget).')
param alertEmail string

@description('Failed requests in 15 minutes that raise the alert.')
@minValue(1)
param failedRequestsThreshold int

@description('Azure OpenAI 429 answers in 15 minutes that raise the alert (the coach falls back offline meanwhile).')
@minValue(1)
param model429Threshold int

@description('The chat deployment\'s quota in tokens per minute (the alert fires at 80 % of it).')
@minValue(1000)
param modelTokensPerMinuteCapacity int

@description('Failed orchestrations (export, erasure) in an hour that raise the alert.')
@minValue(1)
param failedOrchestrationsThreshold int

@description('Monthly budget of the resource group in the billing currency (0: no budget).')
@minValue(0)
param monthlyBudget int

@description('First day of the budget, yyyy-MM-01.')
param budgetStartDate string

var hasEmail = !empty(alertEmail)

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (hasEmail) {
  name: '${namePrefix}-owner'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'jimp-owner'
    enabled: true
    emailReceivers: [
      {
        name: 'owner'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = hasEmail ? [
  {
    actionGroupId: actionGroup.id
  }
] : []

resource failedRequests 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-failed-requests'
  location: 'global'
  tags: tags
  properties: {
    description: 'HTTP requests answered 5xx (requests/failed) in Application Insights.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failed'
          metricName: 'requests/failed'
          metricNamespace: 'microsoft.insights/components'
          operator: 'GreaterThanOrEqual'
          threshold: failedRequestsThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    actions: actions
  }
}

resource model429 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-model-429'
  location: 'global'
  tags: tags
  properties: {
    description: 'Azure OpenAI answered 429 (quota of the chat deployment reached): raise its capacity or expect offline answers.'
    severity: 2
    enabled: true
    scopes: [
      openAiAccountId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricName: 'AzureOpenAIRequests'
          metricNamespace: 'Microsoft.CognitiveServices/accounts'
          dimensions: [
            {
              name: 'StatusCode'
              operator: 'Include'
              values: [
                '429'
              ]
            }
          ]
          operator: 'GreaterThanOrEqual'
          threshold: model429Threshold
          timeAggregation: 'Total'
        }
      ]
    }
    actions: actions
  }
}

// 80 % of the quota over 5 minutes (Processed Inference Tokens, REST name TokenTransaction): time to raise the
// capacity (or plannedCreators) before creators reach the budget's 429 and the offline coach.
resource modelQuota80 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-model-quota-80'
  location: 'global'
  tags: tags
  properties: {
    description: 'The chat model used 80 % of its tokens-per-minute quota over 5 minutes: raise the capacity before creators are told the model is busy.'
    severity: 2
    enabled: true
    scopes: [
      openAiAccountId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'tokens80'
          metricName: 'TokenTransaction'
          metricNamespace: 'Microsoft.CognitiveServices/accounts'
          operator: 'GreaterThanOrEqual'
          threshold: modelTokensPerMinuteCapacity * 5 * 80 / 100
          timeAggregation: 'Total'
        }
      ]
    }
    actions: actions
  }
}

resource failedOrchestrations 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-failed-orchestrations'
  location: location
  tags: tags
  properties: {
    description: 'An export or erasure orchestration failed: a data-subject request may miss its deadline.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'union traces, exceptions | where customDimensions has "DurableTask" or cloud_RoleName has "DurableTask" or message has "orchestration" | where message has_any ("Failed", "failed") or itemType == "exception"'
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: failedOrchestrationsThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: hasEmail ? [
        actionGroup.id
      ] : []
    }
  }
}

// Standard availability test from three EU locations, every 5 minutes: /api/health answers 200 only when
// storage answers.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${namePrefix}-health'
  location: location
  tags: union(tags, {
    'hidden-link:${appInsightsId}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${namePrefix}-health'
    Name: 'JIMP /api/health'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      {
        Id: 'emea-nl-ams-azr'
      }
      {
        Id: 'emea-fr-pra-edge'
      }
      {
        Id: 'emea-se-sto-edge'
      }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-health-unavailable'
  location: 'global'
  tags: tags
  properties: {
    description: '/api/health failed from at least 2 of 3 EU locations.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
    actions: actions
  }
}

resource budget 'Microsoft.Consumption/budgets@2024-08-01' = if (hasEmail && monthlyBudget > 0) {
  name: '${namePrefix}-monthly'
  properties: {
    category: 'Cost'
    amount: monthlyBudget
    timeGrain: 'Monthly'
    timePeriod: {
      startDate: budgetStartDate
    }
    notifications: {
      actual80: {
        enabled: true
        operator: 'GreaterThanOrEqualTo'
        threshold: 80
        thresholdType: 'Actual'
        contactEmails: [
          alertEmail
        ]
      }
      forecast100: {
        enabled: true
        operator: 'GreaterThanOrEqualTo'
        threshold: 100
        thresholdType: 'Forecasted'
        contactEmails: [
          alertEmail
        ]
      }
    }
  }
}
