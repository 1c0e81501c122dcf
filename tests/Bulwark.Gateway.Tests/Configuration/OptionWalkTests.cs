using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// Walks every settable leaf of the gateway's options (dictionaries and lists with one sample entry) and proves no key is
/// accepted and then ignored: each probe value either is refused by validation or reaches the options the gateway runs
/// with; and each leaf has a reviewed entry naming the tests that observe its effect at run time, so a new option fails
/// this test until someone says how it is observed.
/// </summary>
public class OptionWalkTests
{
    /// <summary>
    /// Leaves by pattern (<c>{name}</c> a dictionary key, <c>[]</c> a list index), each with the test method (<c>Class.Method</c>)
    /// that fails when the gateway ignores it, then after <c>|</c> what reads it. A leaf naming the probe below only reaches
    /// the options the gateway runs with: no gateway test observes what it does yet.
    /// </summary>
    private static readonly Dictionary<string, string> Observed = new(StringComparer.Ordinal)
    {
        ["Bulwark:Pipelines:{name}:Retry:Name"] = "PipelineOptionTests.StrategyNames_TagTheResilienceEventsTheGatewayExports | the strategy.name tag of resilience.polly.strategy.events (OnRetry)",
        ["Bulwark:Pipelines:{name}:Retry:MaxRetries"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Retry/BulwarkRetryResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Retry:Backoff"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Backoff/BackoffDelayGeneratorTests",
        ["Bulwark:Pipelines:{name}:Retry:Jitter"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Backoff/BackoffDelayGeneratorTests",
        ["Bulwark:Pipelines:{name}:Retry:BaseDelay"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Backoff/BackoffDelayGeneratorTests",
        ["Bulwark:Pipelines:{name}:Retry:MaxDelay"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Backoff/BackoffCalculatorTests",
        ["Bulwark:Pipelines:{name}:Retry:ExponentialFactor"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Backoff/BackoffCalculatorTests",
        ["Bulwark:Pipelines:{name}:Retry:HonorRetryAfter"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Retry/BulwarkRetryResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Retry:MaxRetryAfter"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Retry/BulwarkRetryResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:Ratio"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/RetryBudget/RetryBudgetTrackerTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:MinRetriesPerSecond"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/RetryBudget/RetryBudgetTrackerTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:Window"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/RetryBudget/RetryBudgetTrackerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Name"] = "PipelineOptionTests.StrategyNames_TagTheResilienceEventsTheGatewayExports | the strategy.name tag of resilience.polly.strategy.events (OnCircuitOpened)",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Mode"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/CircuitBreakerModelTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:FailureThreshold"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/ConsecutiveFailuresBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:FailureRatio"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/FailureRatioBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MinimumThroughput"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/FailureRatioBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SamplingDuration"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/FailureRatioBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BreakDuration"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/HalfOpenTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BreakDurationGrowthFactor"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/HalfOpenTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MaxBreakDuration"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/HalfOpenTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:HalfOpenMaxCalls"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/HalfOpenTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SuccessThreshold"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/HalfOpenTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SlowCallDuration"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/FailureRatioBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Z"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MinThreshold"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MaxThreshold"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:ThresholdMultiplier"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:InitialBaseline"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:InitialBaselineWeight"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests (Baseline_WithoutAPrior_LearnsTheDependencysNormalRate, ColdStart_ThirtyPercentFromTheFirstCall_OpensAgainstThePriorsThreshold)",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BaselineHorizon"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/CircuitBreaker/AdaptiveBreakerTests",
        ["Bulwark:Pipelines:{name}:Timeout:Attempt"] = "TimeoutTests.Get_EveryUpstreamHangs_PipelineTimeout_Returns504 | also PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt",
        ["Bulwark:Pipelines:{name}:Timeout:Total"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: Polly timeout strategy, composed by BulwarkPipelineFactory",
        ["Bulwark:Pipelines:{name}:Bulkhead:Name"] = "PipelineOptionTests.StrategyNames_TagTheResilienceEventsTheGatewayExports | the strategy.name tag of resilience.polly.strategy.events (bulkhead rejection)",
        ["Bulwark:Pipelines:{name}:Bulkhead:MaxConcurrency"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Bulkhead/BulwarkBulkheadResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Bulkhead:QueueLimit"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Bulkhead/BulwarkBulkheadResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Bulkhead:MaxWait"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Bulkhead/BulwarkBulkheadResilienceStrategyTests",
        ["Bulwark:Pipelines:{name}:Fallback:StatusCode"] = "FallbackTests.DeadProviders_PipelineFallback_IsHonouredByTheGateway_WhereItUsedToAnswer502",
        ["Bulwark:Pipelines:{name}:Fallback:ContentType"] = "FallbackTests.DeadProviders_PipelineFallback_IsHonouredByTheGateway_WhereItUsedToAnswer502",
        ["Bulwark:Pipelines:{name}:Fallback:Body"] = "FallbackTests.DeadProviders_PipelineFallback_IsHonouredByTheGateway_WhereItUsedToAnswer502",
        ["Bulwark:Pipelines:{name}:TransientStatusCodes:[]"] = "PipelineOptionTests.PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt | engine: tests/Bulwark.Tests/Classification/TransientClassifierTests",
        ["Bulwark:Providers:{name}:BaseUrl"] = "FailoverTests.Get_PrimaryRefusesConnections_FailsOverToSecondary",
        ["Bulwark:Providers:{name}:Pipeline"] = "PipelineOptionTests.ProviderPipeline_NamesTheOptionsItsInstanceIsBuiltFrom",
        ["Bulwark:Providers:{name}:Headers:{name}:FromEnvironment"] = "HeadersTests.ProviderHeaderFromEnvironment_ReplacesTheClientsOwn",
        ["Bulwark:Providers:{name}:Headers:{name}:Value"] = "GatewaySmokeTests.Get_IsForwarded_WithProviderHeaders",
        ["Bulwark:Providers:{name}:Api"] = "AnthropicTranslationTests.Sdk_ChatCompletion_ServedByAnthropic_TranslatedBothWays | Translation/*, validation: ConfigurationValidationTests.Load_ProviderApi_OnlyWhereItsRoutesCanReachIt",
        ["Bulwark:Providers:{name}:DefaultMaxTokens"] = "AnthropicTranslationTests.Sdk_Streaming_ServedByAnthropic_EveryChunkParsed_UsageAtTheEnd | 512 sent; default: AnthropicRequestTests.NoMaxTokens_TheProvidersDefault_ModelUnmapped_StreamWithUsage",
        ["Bulwark:Providers:{name}:Models:{name}"] = "ModelMapTests.MappedModel_OnlyTheModelValueChanges_EveryOtherByteAsSent | Routing/ModelMap, Forwarding/ForwardingRequest (skip and rewrite)",
        ["Bulwark:Providers:{name}:Headers:{name}:Format"] = "HeadersTests.ProviderHeaderFromEnvironment_ReplacesTheClientsOwn",
        ["Bulwark:Providers:{name}:Auth:Type"] = "HeaderAuthTests.HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo | each type: AwsSigV4Tests, OAuth2ClientCredentialsTests, GoogleServiceAccountTests; validation: ProviderAuthValidationTests",
        ["Bulwark:Providers:{name}:Auth:HeaderName"] = "HeaderAuthTests.HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo | default Authorization: the transcripts provider there",
        ["Bulwark:Providers:{name}:Auth:Format"] = "HeaderAuthTests.HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo | default Bearer {0}: the transcripts provider there",
        ["Bulwark:Providers:{name}:Auth:Value"] = "ProviderAuthFactoryTests.Header_EachSecretSource_SendsTheSameValue | literal; check-config --production: ProviderAuthValidationTests.SecretLiterals_AreProductionReadinessErrors_EnvironmentAndFiles_AreNot",
        ["Bulwark:Providers:{name}:Auth:ValueFromEnvironment"] = "HeaderAuthTests.HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo | ProviderAuth/HeaderAuthenticator",
        ["Bulwark:Providers:{name}:Auth:ValueFromFile"] = "HeaderAuthTests.HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo | ProviderAuth/HeaderAuthenticator",
        ["Bulwark:Providers:{name}:Auth:Region"] = "AwsSigV4Tests.SessionCredentials_SendTheSecurityToken_AndReplaceTheClientsOwnSignature | the credential scope (eu-west-3); the store checks us-east-1: AwsSigV4Tests.PutThenGet_ThroughTheGateway_SignedForTheStoresHost_IsByteIdentical",
        ["Bulwark:Providers:{name}:Auth:Service"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | execute-api: the scope and the path encoded twice; default s3 in AwsSigV4Tests",
        ["Bulwark:Providers:{name}:Auth:AccessKeyId"] = "AwsSigV4Tests.PutThenGet_ThroughTheGateway_SignedForTheStoresHost_IsByteIdentical | the store's account",
        ["Bulwark:Providers:{name}:Auth:AccessKeyIdFromEnvironment"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | ProviderAuth/ProviderAuthFactory",
        ["Bulwark:Providers:{name}:Auth:AccessKeyIdFromFile"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | ProviderAuth/ProviderAuthFactory",
        ["Bulwark:Providers:{name}:Auth:SecretAccessKey"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | literal; check-config --production reports it (ProductionReadiness auth-secret-literal)",
        ["Bulwark:Providers:{name}:Auth:SecretAccessKeyFromEnvironment"] = "AwsSigV4Tests.WrongSecret_TheStoresSignatureRefusal_ReachesTheClient_SentOnce_AndIsLogged | the store refuses another secret; accepts the right one in PutThenGet_ThroughTheGateway_SignedForTheStoresHost_IsByteIdentical",
        ["Bulwark:Providers:{name}:Auth:SecretAccessKeyFromFile"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | ProviderAuth/ProviderAuthFactory",
        ["Bulwark:Providers:{name}:Auth:SessionToken"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | x-amz-security-token, signed",
        ["Bulwark:Providers:{name}:Auth:SessionTokenFromEnvironment"] = "AwsSigV4Tests.SessionCredentials_SendTheSecurityToken_AndReplaceTheClientsOwnSignature | x-amz-security-token, signed",
        ["Bulwark:Providers:{name}:Auth:SessionTokenFromFile"] = "ProviderAuthFactoryTests.AwsSigV4_EachSecretSource_SignsWithTheSameCredentials | x-amz-security-token, signed",
        ["Bulwark:Providers:{name}:Auth:TokenEndpoint"] = "OAuth2ClientCredentialsTests.FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt | down: TokenEndpointDown_IsA502ProblemNamingTheAuthFailure_NothingSent_AndTheStatusSaysWhy",
        ["Bulwark:Providers:{name}:Auth:ClientId"] = "OAuth2ClientCredentialsTests.FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt | HTTP Basic client authentication",
        ["Bulwark:Providers:{name}:Auth:ClientSecret"] = "ProviderAuthValidationTests.SecretLiterals_AreProductionReadinessErrors_EnvironmentAndFiles_AreNot | read by ProviderAuth/ProviderAuthFactory as the other sources (ProviderSecret)",
        ["Bulwark:Providers:{name}:Auth:ClientSecretFromEnvironment"] = "OAuth2ClientCredentialsTests.FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt | HTTP Basic client authentication",
        ["Bulwark:Providers:{name}:Auth:ClientSecretFromFile"] = "OAuth2ClientCredentialsTests.ClientSecretFromFile_IsTheOneSent_WithoutItsTrailingNewline | a changed file is a new auth at reload: ProviderAuthFactoryTests.Reload_NothingChanged_KeepsTheInstance_ASecretChanged_BuildsANewOne",
        ["Bulwark:Providers:{name}:Auth:Scopes:[]"] = "OAuth2ClientCredentialsTests.FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt | Google's assertion: GoogleServiceAccountTests.KeyFile_SignedAssertion_IsVerifiedByTheTokenEndpoint_AndItsTokenReachesTheProvider",
        ["Bulwark:Providers:{name}:Auth:Audience"] = "OAuth2ClientCredentialsTests.FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt | the audience form field",
        ["Bulwark:Providers:{name}:Auth:KeyFromFile"] = "GoogleServiceAccountTests.KeyFile_SignedAssertion_IsVerifiedByTheTokenEndpoint_AndItsTokenReachesTheProvider | ProviderAuth/GoogleServiceAccountGrant",
        ["Bulwark:Providers:{name}:Auth:KeyFromEnvironment"] = "GoogleServiceAccountTests.KeyFromEnvironment_SignedWithAnotherKey_TheEndpointRefuses_AndTheClientGetsA502Problem | ProviderAuth/GoogleServiceAccountGrant",
        ["Bulwark:Providers:{name}:Auth:RefreshBeforeExpiry"] = "OAuth2ClientCredentialsTests.Token_IsRenewedRefreshBeforeExpiryAheadOfItsExpiry_NotEarlier | ProviderAuth/AccessTokenCache",
        ["Bulwark:Storage:UsageRetention"] = "UsageLedgerTests.RowsPastTheirRetention_AreDeletedAtStart | store: tests/Bulwark.Storage.Sqlite.Tests/GatewayDataContractTests (both stores)",
        ["Bulwark:Routes:[]:Path"] = "ProblemDetailsTests.Get_UnknownRoute_Returns404Problem",
        ["Bulwark:Routes:[]:Providers:[]"] = "FailoverTests.Get_PrimaryRefusesConnections_FailsOverToSecondary",
        ["Bulwark:Routes:[]:PanicThreshold"] = "FailoverTests.EveryBreakerOpen_PanicThreshold_TriesThemAnyway | engine: tests/Bulwark.Tests/Failover/FailoverPanicTests",
        ["Bulwark:Routes:[]:Balance"] = "RouteBalanceTests.RoundRobin_SpreadsRequestsEvenlyOverThreeUpstreams | Bandit: RouteBalanceTests.Bandit_MovesTrafficAwayFromASlowAndAFailingUpstream; engine: tests/Bulwark.Tests/Failover/FailoverBalanceTests, Failover/Execution/ProviderBalancerTests",
        ["Bulwark:Routes:[]:BalanceWeights:Success"] = "RouteBalanceTests.BanditSettings_ReachTheRoutesChain | engine: tests/Bulwark.Tests/Failover/Execution/ProviderBalancerTests (the score's weights)",
        ["Bulwark:Routes:[]:BalanceWeights:Cost"] = "RouteBalanceTests.BanditWithCostWeight_PrefersTheCheapestProvider | engine: tests/Bulwark.Tests/Failover/FailoverBalanceTests",
        ["Bulwark:Routes:[]:BalanceWeights:Latency"] = "RouteBalanceTests.BanditSettings_ReachTheRoutesChain | engine: tests/Bulwark.Tests/Failover/FailoverBalanceTests.Bandit_SlowProvider_LosesTheTraffic",
        ["Bulwark:Routes:[]:BalanceLatencyGoal"] = "RouteBalanceTests.Bandit_MovesTrafficAwayFromASlowAndAFailingUpstream | also BanditSettings_ReachTheRoutesChain",
        ["Bulwark:Routes:[]:Idempotent"] = "IdempotencyTests.Post_OnIdempotentRoute_IsRetriedWithoutKey | false: NotProcessedRetryTests.ApiRoute_IdempotentFalse_TurnsTheReplayableEndpointsOff",
        ["Bulwark:Routes:[]:Api"] = "NotProcessedRetryTests.ChatCompletionPost_WithoutKey_PlainTransientStatus_IsRetriedOnApiRoutesOnly | read by Routing/GatewayRoute (ReplayableEndpoints)",
        ["Bulwark:Routes:[]:NotProcessedStatusCodes:[]"] = "NotProcessedRetryTests.Post_WithoutKey_NotProcessedStatusCodes_DecideWhichStatusesAreRetried | read by Routing/GatewayRoute.ProvesNotProcessed",
        ["Bulwark:Routes:[]:Methods:[]"] = "RouteMethodsTests.RouteWithMethods_ForwardsOnlyThoseMethods_ARouteWithoutForwardsAny | Reload/GatewayRouteEndpointDataSource (the endpoint's method metadata)",
        ["Bulwark:Routes:[]:Timeout"] = "TimeoutTests.Get_UpstreamHangs_RouteTimeout_Returns504AndAbortsTheUpstreamRequest",
        ["Bulwark:Routes:[]:MaxAttempts"] = "AttemptAllowanceTests.FirstProviderBreakerOpen_SecondGetsTheAllowance",
        ["Bulwark:Routes:[]:RateLimit:RequestsPerMinutePerClient"] = "ClientRateLimitTests.Get_RouteOverride_LimitsItsRouteOnly",
        ["Bulwark:Routes:[]:RateLimit:ConcurrencyPerClient"] = "ClientRateLimitTests.Get_RouteConcurrencyOverride_SecondConcurrentRequestOfOneClientOnItsRoute_Is429 | Limits/ClientRateLimiterPolicy",
        ["Bulwark:Routes:[]:Clients"] = "ClientKeysTests.MissingOrUnknownKey_Is401Problem_AndNothingIsSent_WhileTheAnonymousRouteServes | Clients/ClientIdentificationMiddleware (TrustedHeader: ClientKeysTests.TrustedHeader_NamesTheUser_InTheLedger_AndARequestWithoutItIs401)",
        ["Bulwark:Clients:UserHeader"] = "ClientKeysTests.TrustedHeader_NamesTheUser_InTheLedger_AndARequestWithoutItIs401 | Clients/ClientIdentificationMiddleware",
        ["Bulwark:Clients:KeyCacheDuration"] = "ClientKeysTests.RevokedThroughAnotherGateway_IsRefusedWithinKeyCacheDuration | Clients/ClientKeys",
        ["Bulwark:Routes:[]:OnBudgetExceeded"] = "BudgetsTests.OnBudgetExceeded_Fallback_SendsTheRequestToTheCheaperChain | Forwarding/ForwardingBudgets",
        ["Bulwark:Routes:[]:BudgetFallbackProviders:[]"] = "BudgetsTests.OnBudgetExceeded_Fallback_SendsTheRequestToTheCheaperChain | Routing/GatewayRoute (BudgetFallback)",
        ["Bulwark:Budgets:TimeZone"] = "BudgetsTests.Refusal_Is429ProblemJson_NamingTheBudget_AndWhatIsLeft_NothingSent | BudgetBookTests.Day_StartsAgainAtMidnight_InTheConfiguredTimeZone",
        ["Bulwark:Budgets:ImageTokenBound"] = "BudgetsTests.ImageTokenBound_IsReservedPerImage | Tokens/PromptTokenEstimator",
        ["Bulwark:Budgets:DefaultMaxOutputTokens"] = "BudgetsTests.NoOutputCap_TheDefaultIsReservedAndSentUpstream",
        ["Bulwark:Budgets:Items:{name}:Per"] = "BudgetsTests.ConcurrentFirstRequests_OfUnknownUsers_EachGetTheirOwnBudget_NoneOvershoots | BudgetBookTests.ReservesOnAllOrNone_OfTheBudgetsThatCountARequest",
        ["Bulwark:Budgets:Items:{name}:Key"] = "BudgetBookTests.Filters_KeyUserTeam_SelectWhoCounts",
        ["Bulwark:Budgets:Items:{name}:User"] = "BudgetBookTests.Filters_KeyUserTeam_SelectWhoCounts",
        ["Bulwark:Budgets:Items:{name}:Team"] = "BudgetBookTests.Filters_KeyUserTeam_SelectWhoCounts",
        ["Bulwark:Budgets:Items:{name}:Tier"] = "BudgetsTests.AdminApi_MakesABudget_ThatRefuses_ClientSeesItsOwnStatus_ThenDeletedItServesAgain | BudgetBookTests.PerUser_CountersAreSeparate_AndFiltersSelectWhoCounts",
        ["Bulwark:Budgets:Items:{name}:Model"] = "BudgetBookTests.PerUser_CountersAreSeparate_AndFiltersSelectWhoCounts",
        ["Bulwark:Budgets:Items:{name}:Period"] = "BudgetsTests.Exhausted_TellsTheResetTime_AndRetryAfter_TooLarge_IsNotRetryable | BudgetsTests.SpendSurvivesARestart_CountedFromTheLedger | BudgetBookTests.Rolling_SpendAgesOut_NeverEarly",
        ["Bulwark:Budgets:Items:{name}:Window"] = "BudgetBookTests.Rolling_SpendAgesOut_NeverEarly",
        ["Bulwark:Budgets:Items:{name}:Cost"] = "BudgetsTests.OnBudgetExceeded_Fallback_SendsTheRequestToTheCheaperChain | BudgetBookTests.Cost_UnknownForAStrictCostBudget_IsRefusedAsUnpriced",
        ["Bulwark:Budgets:Items:{name}:Tokens"] = "BudgetsTests.Concurrent1000_AgainstAStrictBudgetThatFits100_Serve100_AndSpendExactlyTheBudget",
        ["Bulwark:Budgets:Items:{name}:Mode"] = "BudgetsTests.Advisory_ServesBeyondTheLimit_AndSaysSo | BudgetBookTests.Disabled_CountsNothing",
        ["Bulwark:Budgets:Items:{name}:Warning"] = "BudgetBookTests.Levels_FollowTheThresholds",
        ["Bulwark:Budgets:Items:{name}:Critical"] = "BudgetBookTests.Levels_FollowTheThresholds",
        ["Bulwark:Routes:[]:OnFailure"] = "DeferralTests.EveryProviderDown_KeyedPost_Is202_ThenDeliveredOnce_WithKeyAndFreshCredentials",
        ["Bulwark:Routes:[]:Defer:MaxAttempts"] = "DeliveryLifetimeTests.DeliveryThatKeepsFailing_IsDeadAfterMaxAttempts_TheRoutesOwnElseTheDeliveriesDefault | Deferral/GatewayDeferral (the entry's MaxAttempts)",
        ["Bulwark:Routes:[]:Defer:TimeToLive"] = "DeliveryLifetimeTests.DeliveryNotMadeWithinTheTimeToLive_IsDead_WithoutBeingSent_TheRoutesOwnElseTheDeliveriesDefault | Deferral/GatewayDeferral (the entry's TimeToLive)",
        ["Bulwark:Routes:[]:Defer:MaxBodyBytes"] = "DeferralTests.BodyOverTheDeferralLimit_Is413_AndNoProviderIsCalled",
        ["Bulwark:Routes:[]:Defer:ReplayHeaders:[]"] = "DeferralTests.EveryProviderDown_KeyedPost_Is202_ThenDeliveredOnce_WithKeyAndFreshCredentials | Deferral/GatewayDeferral (X-Customer replayed, X-Not-Replayed not)",
        ["Bulwark:Routes:[]:Defer:OrderingHeader"] = "DeliveryDispatchTests.SameOrderingValue_DeliveredOneAtATime_InAcceptanceOrder_AnotherValueAlongside | Deferral/GatewayDeferral (the entry's ordering key)",
        ["Bulwark:Routes:[]:Fallback:Mode"] = "FallbackTests.DeadProviders_RouteStaticFallback_ReplacesThe502",
        ["Bulwark:Routes:[]:Fallback:StatusCode"] = "FallbackTests.DeadProviders_RouteStaticFallback_ReplacesThe502",
        ["Bulwark:Routes:[]:Fallback:ContentType"] = "FallbackTests.DeadProviders_RouteStaticFallback_ReplacesThe502",
        ["Bulwark:Routes:[]:Fallback:Body"] = "FallbackTests.DeadProviders_RouteStaticFallback_ReplacesThe502",
        ["Bulwark:Routes:[]:Fallback:Headers:{name}"] = "FallbackTests.DeadProviders_RouteStaticFallback_ReplacesThe502",
        ["Bulwark:Routes:[]:Fallback:MaxAge"] = "FallbackTests.LastGood_ServedWithinMaxAge_WithAge_AndNotAfter",
        ["Bulwark:Routes:[]:Fallback:MaxEntries"] = "FallbackTests.LastGood_KeepsOnlyCacheableResponses_WithinTheBodyBound_AndAtMostMaxEntries",
        ["Bulwark:Routes:[]:Fallback:MaxBodyBytes"] = "FallbackTests.LastGood_KeepsOnlyCacheableResponses_WithinTheBodyBound_AndAtMostMaxEntries",
        ["Bulwark:MaxBufferedBodyBytes"] = "BodyBufferingTests.Put_BodyOverBufferLimit_503_IsSentOnceAndSaysWhy",
        ["Bulwark:MaxReplayableBodyBytes"] = "RequestSpoolTests.Put_BodyOverMaxReplayableBodyBytes_StreamsOnce_AndSaysSo | spooled up to it: RequestSpoolTests.Put_200MB_ProviderResetsAtHalf_RetriedFromTheSpool_StoredByteIdentical_TempFilesGone; 0 (off): BodyBufferingTests.Put_BodyOverBufferLimit_503_IsSentOnceAndSaysWhy",
        ["Bulwark:Spool:Directory"] = "RequestSpoolTests.Put_ClientAbortsMidBody_NothingIsRetried_AndTheSpoolFileIsRemoved | the file is made there, swept from there: SpoolSweepTests.GatewayKilledMidUpload_ItsSpoolFileIsRemovedAtTheNextStart_AFileARunningProcessHoldsIsKept",
        ["Bulwark:Spool:MaxBytes"] = "RequestSpoolTests.Put_BodyOverTheSpoolCap_Is507Problem_NothingIsSent | RequestSpoolTests.Put_ChunkedBodyOutgrowsTheSpoolCap_Is507_NothingMoreIsSent_NorRetried",
        ["Bulwark:Routes:[]:Uploads:AbortMultipartOnFailure"] = "MultipartAbortTests.UploadPart_FailsAfterEveryRetry_TheUploadIsAbortedAtTheProvider | off: MultipartAbortTests.NoAbort_WhenNotAFailedMultipartStepOfARouteThatAsks",
        ["Bulwark:Limits:MaxRequestBodyBytes"] = "RequestSizeLimitTests.Post_ContentLengthOverLimit_Is413ProblemAndNothingIsForwarded | Hosting/GatewayHost sets Kestrel's limit (also Post_ChunkedBodyGrowingOverLimit_Is413Problem)",
        ["Bulwark:Limits:MaxRequestHeadersTotalSize"] = "RequestSizeLimitTests.Get_HeadersLargerThanAllowed_Is431",
        ["Bulwark:Limits:MaxRequestHeaderCount"] = "RequestSizeLimitTests.Get_MoreHeadersThanAllowed_Is431",
        ["Bulwark:Limits:ConcurrencyPerClient"] = "ClientRateLimitTests.Get_ThirdConcurrentRequestOfOneClient_Is429_WhileAnotherClientIsServed",
        ["Bulwark:Providers:{name}:Prices:{name}:Input"] = "UsageTests.OpenAiJson_LogLineAndMetrics_CarryProviderModelTokensAndCost | the cost of uncached input tokens",
        ["Bulwark:Providers:{name}:Prices:{name}:Output"] = "UsageTests.OpenAiJson_LogLineAndMetrics_CarryProviderModelTokensAndCost | the cost of output tokens",
        ["Bulwark:Providers:{name}:Prices:{name}:CachedInput"] = "UsageTests.OpenAiJson_LogLineAndMetrics_CarryProviderModelTokensAndCost | the cost of cached input tokens (ModelPricesTests.CachedInput_NotConfigured_IsPricedAsInput for its default)",
        ["Bulwark:Limits:RequestsPerMinutePerClient"] = "ClientRateLimitTests.Get_OverRequestsPerMinute_Is429WithRetryAfter_AndAnotherKeyIsServed",
        ["Bulwark:Logging:SlowRequestThreshold"] = "RequestLogSettingsTests.SlowRequestThreshold_ARequestTakingLongerIsLoggedAsAWarning | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Logging:LogQueryString"] = "RequestLogSettingsTests.LogQueryString_TheRequestLinesPathShowsTheQuery_OnlyWhenOn | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Logging:TenantIdHeader"] = "RequestLogSettingsTests.TenantIdHeader_AndUserIdHeader_NameTheHeadersTheRequestLinesTenantAndUserComeFrom | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Logging:UserIdHeader"] = "RequestLogSettingsTests.TenantIdHeader_AndUserIdHeader_NameTheHeadersTheRequestLinesTenantAndUserComeFrom | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Logging:TrustedProxies:[]"] = "RequestLogSettingsTests.TrustedProxies_TheClientIsTheForwardedAddress_OnlyFromATrustedProxy | the Bulwark.AspNetCore request log middleware (ClientIpResolver)",
        ["Bulwark:Logging:LogAttempts"] = "RequestLogSettingsTests.LogAttempts_EachAttemptIsLogged_OnlyWhenOn | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Logging:CountBodyBytes"] = "RequestLogSettingsTests.CountBodyBytes_ChunkedBodiesAreCounted_OnlyWhenOn | the Bulwark.AspNetCore request log middleware",
        ["Bulwark:Telemetry:OtlpEndpoint"] = "OtlpExportTests.ForwardedRequest_ItsSpansArePushedToTheOtlpEndpoint_InTheOtlpProtocol_UnderTheServiceName | Bulwark.AspNetCore AddBulwarkTelemetry (OTLP exporter)",
        ["Bulwark:Telemetry:OtlpProtocol"] = "OtlpExportTests.ForwardedRequest_ItsSpansArePushedToTheOtlpEndpoint_InTheOtlpProtocol_UnderTheServiceName | Bulwark.AspNetCore AddBulwarkTelemetry (OTLP exporter)",
        ["Bulwark:Telemetry:ServiceName"] = "OtlpExportTests.ForwardedRequest_ItsSpansArePushedToTheOtlpEndpoint_InTheOtlpProtocol_UnderTheServiceName | Bulwark.AspNetCore AddBulwarkTelemetry (the service.name resource attribute)",
        ["Bulwark:Admin:Token"] = "GatewayObservabilityTests.Admin_NeedsTheToken_AndItsIsolationMakesTrafficFailOver",
        ["Bulwark:Admin:TokenFile"] = "AdminTokenFileTests.TokenFile_TheAdminApiTakesTheTokenInTheFile_AndRefusesAnother | the Bulwark.AspNetCore admin API (AdminToken)",
        ["Bulwark:Shutdown:DrainDelay"] = "DrainRefusalTests.Drain_RequestStartedOnKeptAliveConnection_FinishedAfterTheDelay_Gets503ProblemWithRetryAfter",
        ["Bulwark:Shutdown:DrainTimeout"] = "GracefulShutdownTests.Sigterm_RequestOutlastsDrainTimeout_CancelsIt_LogsItsCorrelationId_ExitsThree",
        ["Bulwark:Reload:Enabled"] = "ConfigurationReloadTests.Reload_Disabled_AnEditedFileChangesNothing_WhileAGatewayFollowingItsFileAppliesTheSameEdit | Reload/GatewayConfigurationReloader",
        ["Bulwark:Reload:PollInterval"] = "ConfigurationReloadTests.Reload_PollingOff_TheFileEventAloneAppliesTheChange",
        ["Bulwark:Urls"] = "ServeStartupTests.Serve_NeitherFlagNorVariable_ListensWhereTheFileSays | Hosting/ListenUrls (after --urls and ASPNETCORE_URLS)",
        ["Bulwark:Storage:Provider"] = "DeferralConfigurationTests.InMemoryStore_InTheProductionEnvironment_IsRefusedAtStart",
        ["Bulwark:Storage:Path"] = "StoreSettingsTests.Path_TheStoreIsCreatedThere_AndDeferredRequestsAreWrittenToIt | Storage/GatewayStore",
        ["Bulwark:Storage:BusyTimeout"] = "StoreSettingsTests.BusyTimeout_StoreLockedElsewhere_TheDeferralWaitsNoLonger_ThenIsRefused | Storage/GatewayStore (SQLite busy_timeout)",
        ["Bulwark:Storage:IntegrityCheckInterval"] = "StoreSettingsTests.IntegrityCheckInterval_ADamagedFile_IsFoundAtTheNextCheck_AndReadinessGoesDown | Storage/StoreIntegrityMonitor (also StoreFaultTests.StoreCorruptedWhileRunning_..., out of process)",
        ["Bulwark:Storage:FlushEveryCommit"] = "DeferralConfigurationTests.ProductionReadiness_FlagsInMemoryStore_FailOpen_UnflushedCommits_AndDeferralWithoutTtl",
        ["Bulwark:Storage:MaxSizeBytes"] = "DeferralTests.FullStore_RefusesTheDeferralWith503_AndEveryAcknowledgedRequestIsKept",
        ["Bulwark:Storage:OnStoreFailure"] = "StoreStartupTests.CorruptStore_FailOpen_Serves_AndReadinessAndTheDeferralRouteSaySo",
        ["Bulwark:Storage:ConnectionString"] = "PostgresStorageConfigurationTests.ProductionCheck_FlagsAPasswordInTheFile_NotOneFromTheEnvironment_AndNoLongerAFleetOnSqlite | Storage/GatewayStore (the PostgreSQL store), process: PostgresStoreProcessTests.Serve_OnPostgres_DefersWrites_OneProcessKilled_TheOtherDeliversEachOnce",
        ["Bulwark:Storage:ConnectionStringFromEnvironment"] = "PostgresStoreTests.Deferral_OnPostgres_IsAcknowledged_ThenDelivered_AndReadinessNamesTheStore | Storage/GatewayStore (the PostgreSQL store)",
        ["Bulwark:Storage:Schema"] = "PostgresStoreTests.Deferral_OnPostgres_IsAcknowledged_ThenDelivered_AndReadinessNamesTheStore | the tables live in that schema (the test reads fleet.deliveries)",
        ["Bulwark:Storage:CommandTimeout"] = "PostgresStoreTests.Unreachable_AtStart_FailOpenServesAndReadinessSaysDegraded_FailClosedDoesNotStart | Npgsql Timeout and Command Timeout; ProductionReadiness delivery-lease-margin",
        ["Bulwark:Deliveries:MaxAttempts"] = "DeliveryLifetimeTests.DeliveryThatKeepsFailing_IsDeadAfterMaxAttempts_TheRoutesOwnElseTheDeliveriesDefault | the engine's delivery queue and dispatcher",
        ["Bulwark:Deliveries:TimeToLive"] = "DeliveryLifetimeTests.DeliveryNotMadeWithinTheTimeToLive_IsDead_WithoutBeingSent_TheRoutesOwnElseTheDeliveriesDefault | the engine's delivery queue and dispatcher",
        ["Bulwark:Deliveries:BaseDelay"] = "DeliveryScheduleTests.FirstDelivery_IsScheduledOneBackoffAfterAcceptance_AndMadeWhenThatTimeComes | the engine's delivery backoff",
        ["Bulwark:Deliveries:MaxDelay"] = "DeliveryScheduleTests.FirstDelivery_IsScheduledOneBackoffAfterAcceptance_AndMadeWhenThatTimeComes | the engine's delivery backoff",
        ["Bulwark:Deliveries:AttemptTimeout"] = "DeliveryScheduleTests.HangingDeliveryAttempt_IsCancelledAfterAttemptTimeout_AndCountedAsFailed | the engine's delivery dispatcher",
        ["Bulwark:Deliveries:LeaseDuration"] = "DeliveryDispatchTests.RequestBeingAttempted_IsLeasedForLeaseDuration_AnotherGatewaySeesItStuckOnlyAfterThat | the engine's delivery dispatcher",
        ["Bulwark:Deliveries:PollInterval"] = "DeliveryScheduleTests.RequestComingDue_IsFoundAtTheDispatchersNextLook_EveryPollInterval | the engine's delivery dispatcher",
        ["Bulwark:Deliveries:SweepInterval"] = "DeliveryDispatchTests.WorkLeftBehindPastItsLease_IsReturnedAtTheNextSweep_EverySweepInterval_AndDelivered | the engine's delivery dispatcher",
        ["Bulwark:Deliveries:MaxConcurrentDeliveries"] = "DeliveryDispatchTests.HeldDeliveries_AtMostMaxConcurrentDeliveriesAreAttemptedAtOnce | the engine's delivery dispatcher",
        ["Bulwark:Deliveries:MaxKeptResponseBytes"] = "DeliveryLifetimeTests.RepeatedKey_AfterDelivery_GetsTheStoredBody_OnlyWhenItFitsMaxKeptResponseBytes | Forwarding/GatewayDeliveryHandler and the engine's delivery dispatcher",
        ["Bulwark:Deliveries:RetainDeliveredFor"] = "DeliveryLifetimeTests.DeliveredRequest_IsKeptForRetainDeliveredFor_ThenDeleted_AndItsKeyIsANewRequest | the engine's delivery dispatcher (sweep)",
        ["Bulwark:Deliveries:DispatcherEnabled"] = "DeliveryDispatchTests.DispatcherOff_StoresButNeverDelivers_AGatewayOnTheSameStoreWithItOnDelivers | Bulwark's AddBulwarkDeliveries (the dispatcher's hosted service)",
        ["Bulwark:Errors:MaxFingerprints"] = "ErrorsTests.MaxFingerprints_KeepsTheMostRecentlySeen | Errors/GatewayHost's ErrorMonitor (engine: tests/Bulwark.Tests/ErrorMonitoring/ErrorMonitorTests)",
        ["Bulwark:SharedState:Provider"] = "SharedStateTests.ProviderDies_OneGatewayOpensItsBreaker_TheOthersStopCallingItWithin1s_AndOnlyTheFirstProbes | SharedState/GatewaySharedStateServices",
        ["Bulwark:SharedState:Configuration"] = "SharedStateTests.ProviderDies_OneGatewayOpensItsBreaker_TheOthersStopCallingItWithin1s_AndOnlyTheFirstProbes | SharedState/GatewaySharedStateServices (the Redis connection)",
        ["Bulwark:SharedState:ConfigurationFromEnvironment"] = "SharedStateTests.AClientLimitOf30PerMinute_HoldsForTheFleet_90RequestsSpreadOverThreeGateways_Serve30 | SharedState/GatewaySharedStateServices (the Redis connection)",
        ["Bulwark:SharedState:KeyPrefix"] = "SharedStateTests.KeyPrefix_KeepsTwoFleetsApart_OnOneRedis | Bulwark.Storage.Redis (keys and channels)",
        ["Bulwark:SharedState:OperationTimeout"] = "SharedStateTests.RedisSlow_ALimitedRequestWaitsNoLongerThanTheOperationTimeout | Bulwark.Storage.Redis (StackExchange.Redis timeouts)",
        ["Bulwark:SharedState:ProbeGrace"] = "SharedStateTests.ProviderDies_OneGatewayOpensItsBreaker_TheOthersStopCallingItWithin1s_AndOnlyTheFirstProbes | engine: SharedState/CircuitBreakerStateSharing",
        ["Bulwark:SharedState:InstanceId"] = "SharedStateTests.RedisGone_NoRequestWaitsOnIt_LimitsDecideAsConfigured_AndReadinessSaysDegraded | engine: SharedState/CircuitBreakerStateSharing (tie-break: tests/Bulwark.Storage.Redis.Tests)",
        ["Bulwark:SharedState:BudgetsOnRedisFailure"] = "FleetBudgetTests.RedisGone_ABudgetedRequestIsDecidedAsConfigured_WithinTheOperationTimeout | Budgets/FleetBudgets",
        ["Bulwark:SharedState:BudgetHold"] = "FleetBudgetTests.AReservationNeverEnded_IsGivenBackAfterBudgetHold_AsWhenItsGatewayDied | Budgets/FleetBudgets (range: SharedStateConfigurationTests.BudgetHold_OutOfRange_IsRefused)",
        ["Bulwark:SharedState:OnRedisFailure"] = "SharedStateTests.RedisGone_NoRequestWaitsOnIt_LimitsDecideAsConfigured_AndReadinessSaysDegraded | SharedState/SharedRateLimits",
        ["Bulwark:Errors:IntakeRequestsPerMinute"] = "ErrorsTests.Intake_OverIntakeRequestsPerMinute_Is429_PerCaller_AndRefills | Errors/ErrorIntakeLimiter",
        ["Bulwark:Errors:Detection:EvaluationInterval"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | Errors/ErrorPatternSignals (evaluates once per interval); engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorTraceTests",
        ["Bulwark:Errors:Detection:NewError:Enabled"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorPatternDetectorTests",
        ["Bulwark:Errors:Detection:NewError:WarmUp"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorPatternDetectorTests",
        ["Bulwark:Errors:Detection:RepeatedError:Enabled"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorPatternDetectorTests",
        ["Bulwark:Errors:Detection:RepeatedError:Threshold"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorTraceTests",
        ["Bulwark:Errors:Detection:ErrorRate:Enabled"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorPatternDetectorTests",
        ["Bulwark:Errors:Detection:ErrorRate:HighRate"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | the detector is built from Errors:Detection (this test observes its siblings); engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorTraceTests",
        ["Bulwark:Errors:Detection:ErrorRate:CriticalRate"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorTraceTests",
        ["Bulwark:Errors:Detection:ErrorRate:MinimumRequests"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | Errors/GatewayRequestCounts; engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorPatternDetectorTests",
        ["Bulwark:Errors:Detection:Anomaly:Enabled"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:Anomaly:SmoothingFactor"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:Anomaly:BaselineSmoothingFactor"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests (the chart: Bulwark/Statistics/EwmaControlChart)",
        ["Bulwark:Errors:Detection:Anomaly:ControlLimitSigmas"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:Anomaly:WarmupSamples"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:Anomaly:MinimumRequests"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:Anomaly:MinimumErrorRate"] = "ErrorPatternSignalsTests.ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:RecoveryFailure:Enabled"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:RecoveryFailure:FailureRatio"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests.RecoveryFailure_FiveTimesStep_FiresWithinTwoFiveMinuteWindows",
        ["Bulwark:Errors:Detection:RecoveryFailure:MinimumAttempts"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:SystemDegradation:Enabled"] = "ErrorPatternSignalsTests.TooFewRequests_OrEveryDetectorDisabled_NoSignal | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Errors:Detection:SystemDegradation:Fingerprints"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests.SystemDegradation_OneFingerprintFloods_DoesNotFire",
        ["Bulwark:Errors:Detection:SystemDegradation:MinimumOccurrences"] = "ErrorPatternSignalsTests.FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval | engine: tests/Bulwark.Tests/ErrorMonitoring/Detection/ErrorSignalTraceTests",
        ["Bulwark:Alerts:Signals:PerformanceImpactMinimumErrors"] = "PerformanceImpactSignalsTests.SlowProvider_WithErrorsNamingIt_IsAPerformanceImpact_NotWithoutThem | Errors/PerformanceImpactSignals",
        ["Bulwark:Alerts:Signals:SecurityBurstThreshold"] = "SecuritySignalsTests.BurstsOfEachKind_AtTheThreshold_AreSecurityConcerns_BelowItNothing | Security/SecuritySignals",
        ["Bulwark:Alerts:Signals:BreakerStuckOpenAfter"] = "ProviderSignalsTests.BreakerOpenedByFailures_IsBreakerOpen_ThenStuckOpenAfterTheConfiguredTime_AndClearsWhenClosed | Forwarding/BreakerSignals",
        ["Bulwark:Alerts:EvaluationInterval"] = "AlertEndpointsTests.EvaluationLoop_EveryEvaluationInterval_AsksEverySource_AndOneThatThrowsDoesNotStopTheOthers | Alerts/AlertEngine's timer",
        ["Bulwark:Alerts:ResolveAfter"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.Evaluate_SignalAbsentForResolveAfter_Resolves_AndTellsEveryNotifiedChannel)",
        ["Bulwark:Alerts:RepeatInterval"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.Repeat_UnacknowledgedFiringAlert_IsNotifiedAgainEveryRepeatInterval_ToTheChannelsAlreadyNotified)",
        ["Bulwark:Alerts:GroupBy:[]"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.GroupBy_OtherLabels_SplitOrMergeGroups)",
        ["Bulwark:Alerts:MaxAlerts"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.MaxAlerts_AtTheBound_ALessSevereNewcomerIsDropped_AMoreSevereOneEvictsTheLeastSevereNewest)",
        ["Bulwark:Alerts:ResolvedRetention"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.ResolvedRetention_ResolvedAlertsAreListed_ThenForgotten)",
        ["Bulwark:Alerts:ExternalUrl"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → each AlertNotification's ExternalUrl",
        ["Bulwark:Alerts:Escalation:Policies:{name}:Matchers:[]"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBookSettings → AlertBook (AlertBookTests.Policies_FirstMatchingPolicyWins_ElseDefault_AndWithoutOneNothingIsNotified)",
        ["Bulwark:Alerts:Escalation:Policies:{name}:Levels:[]:After"] = "AlertEndpointsTests.ListAckResolve_ShowEveryField_Filter_AndStopEscalation | AlertBook (AlertBookTests.Escalation_SeedsFourLevels_FireAt0_30_60_120Minutes_ByTheAlertsSeverity, AlertRestartTests)",
        ["Bulwark:Alerts:Escalation:Policies:{name}:Levels:[]:MinSeverity"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBook (AlertBookTests.Escalation_SeedsFourLevels_FireAt0_30_60_120Minutes_ByTheAlertsSeverity)",
        ["Bulwark:Alerts:Escalation:Policies:{name}:Levels:[]:Channels:[]"] = "AlertEndpointsTests.ListAckResolve_ShowEveryField_Filter_AndStopEscalation | the queue bulwark.alerts.{channel} each notification is put on",
        ["Bulwark:Alerts:Inhibit:[]:SourceMatchers:[]"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBook (AlertInhibitionTests.ConfiguredRules_ReplaceTheDefault_AndEqualLabelsMustMatch)",
        ["Bulwark:Alerts:Inhibit:[]:TargetMatchers:[]"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBook (AlertInhibitionTests.ConfiguredRules_ReplaceTheDefault_AndEqualLabelsMustMatch)",
        ["Bulwark:Alerts:Inhibit:[]:Equal:[]"] = "AlertsValidationTests.From_TakesEverySetting_IntoTheBook | AlertBook (AlertInhibitionTests.ConfiguredRules_ReplaceTheDefault_AndEqualLabelsMustMatch)",
        ["Bulwark:Alerts:Channels:{name}:Type"] = "WebhookChannelTests.ChannelQueue_IsServedByItsChannel_WhileRouteQueuesKeepTheForwardingHandler | Alerts/Channels/AlertChannelFactory",
        ["Bulwark:Alerts:Channels:{name}:Url"] = "WebhookChannelTests.Webhook_Receiver503TwiceThen200_IsDeliveredOnce_AfterRetries | Alerts/Channels/HttpAlertChannel (AlertmanagerChannelTests for Alertmanager's base URL)",
        ["Bulwark:Alerts:Channels:{name}:UrlEnvironment"] = "WebhookChannelTests.Webhook_FiringNotification_PostsTheVersionedJson_WithIdempotencyKeyAndHeaders | Alerts/Channels/AlertChannelFactory",
        ["Bulwark:Alerts:Channels:{name}:Headers:{name}:FromEnvironment"] = "WebhookChannelTests.Webhook_FiringNotification_PostsTheVersionedJson_WithIdempotencyKeyAndHeaders | Alerts/Channels/WebhookAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Headers:{name}:Value"] = "WebhookChannelTests.Webhook_FiringNotification_PostsTheVersionedJson_WithIdempotencyKeyAndHeaders | Alerts/Channels/WebhookAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Headers:{name}:Format"] = "WebhookChannelTests.Webhook_FiringNotification_PostsTheVersionedJson_WithIdempotencyKeyAndHeaders | Alerts/Channels/WebhookAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:RoutingKey"] = "PagerDutyChannelTests.PagerDuty_Resolved_ResolvesTheAlertsIncident_AndAcknowledgedAcknowledgesIt | Alerts/Channels/PagerDutyAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:RoutingKeyEnvironment"] = "PagerDutyChannelTests.PagerDuty_Firing_TriggersOneEventPerAlert_DedupKeyTheAlertsId | Alerts/Channels/PagerDutyAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Host"] = "EmailChannelTests.Email_ThroughTheQueue_ToALoopbackRelayWithoutTls_IsDelivered | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Port"] = "EmailChannelTests.Email_ThroughTheQueue_ToALoopbackRelayWithoutTls_IsDelivered | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Security"] = "EmailChannelTests.Email_StartTlsRequired_ButNotOffered_IsRetried_AndNothingIsSentInClear | Alerts/Channels/EmailAlertChannel (None: Email_ThroughTheQueue_ToALoopbackRelayWithoutTls_IsDelivered)",
        ["Bulwark:Alerts:Channels:{name}:UserName"] = "EmailChannelTests.Email_Firing_ArrivesOverStartTls_AfterAuth_WithFromToSubjectAndBodies | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Password"] = "EmailChannelTests.Email_InlinePassword_IsTheOneSent | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:PasswordEnvironment"] = "EmailChannelTests.Email_Firing_ArrivesOverStartTls_AfterAuth_WithFromToSubjectAndBodies | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:From"] = "EmailChannelTests.Email_Firing_ArrivesOverStartTls_AfterAuth_WithFromToSubjectAndBodies | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:To:[]"] = "EmailChannelTests.Email_Firing_ArrivesOverStartTls_AfterAuth_WithFromToSubjectAndBodies | Alerts/Channels/EmailAlertChannel",
        ["Bulwark:Alerts:Channels:{name}:MinSeverity"] = "WebhookChannelTests.MinSeverity_SendsOnlyTheAlertsAtOrAboveIt_AndNothingWhenNoneIs | Alerts/Channels/AlertChannel",
        ["Bulwark:Alerts:Channels:{name}:Timeout"] = "WebhookChannelTests.Webhook_ReceiverSlowerThanTimeout_FailsAfterTheTimeout_AndIsRetried | Alerts/Channels/AlertChannel",
    };

    [Fact]
    public void EveryOption_HasAReviewedObservation_AndNoEntryIsStale()
    {
        var leaves = Leaves(typeof(GatewayOptions), "Bulwark").Select(static l => l.Pattern).ToList();

        var unreviewed = leaves.Where(l => !Observed.ContainsKey(l)).ToList();
        var stale = Observed.Keys.Where(k => !leaves.Contains(k)).ToList();

        Assert.True(unreviewed.Count == 0, "New options with no reviewed observation (name the test method that fails when the gateway ignores it, or refuse it in validation): " + string.Join(", ", unreviewed));
        Assert.True(stale.Count == 0, "Table entries for options that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryObservation_NamesATestMethodThatExists()
    {
        var types = typeof(OptionWalkTests).Assembly.GetTypes()
            .Where(static t => t.Namespace?.StartsWith("Bulwark.Gateway.Tests", StringComparison.Ordinal) == true && !t.IsNested)
            .ToLookup(static t => t.Name, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (option, observation) in Observed)
        {
            string named = observation.Split(" | ")[0];
            int dot = named.LastIndexOf('.');
            var type = dot > 0 && types[named[..dot]].ToList() is [{ } single] ? single : null;
            var method = type?.GetMethod(named[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
            if (method is null || !method.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            {
                missing.Add($"{option}: {named}");
            }
        }

        Assert.True(missing.Count == 0, "Observations naming no [Fact] or [Theory] method of this assembly (Class.Method): " + string.Join("; ", missing));
    }

    public static TheoryData<string> Patterns() => [.. Leaves(typeof(GatewayOptions), "Bulwark").Select(static l => l.Pattern)];

    /// <summary>
    /// Sets the leaf to a valid value other than the one it has, then to one outside any range, through a real
    /// configuration load: each is refused with an error naming the leaf's path, or is what the loaded options hold.
    /// </summary>
    [Theory]
    [MemberData(nameof(Patterns))]
    public void EveryLeaf_ProbeValue_IsRefusedNamingItsPath_OrReachesTheLoadedOptions(string pattern)
    {
        var type = Leaves(typeof(GatewayOptions), "Bulwark").Single(l => l.Pattern == pattern).Type;
        string path = Concrete(pattern);
        var baseline = GatewayConfiguration.Load(Settings(ProbeBaseline)).Options;
        object? current = Read(baseline, path);

        var probes = new List<object> { Different(type, current) };
        if (OutOfRange(type) is { } outside)
        {
            probes.Add(outside);
        }

        foreach (object probe in probes)
        {
            var outcome = ProbeLoad(path, probe);
            if (outcome.Errors is { } errors)
            {
                // A rule across the fields of one entry (a header's Value or FromEnvironment) names the entry.
                string entry = path[..path.LastIndexOf(':')] + ": ";
                Assert.True(
                    errors.Any(e => e.Contains(path, StringComparison.OrdinalIgnoreCase) || e.StartsWith(entry, StringComparison.OrdinalIgnoreCase)),
                    $"{path} = {probe}: refused, but no error names the path: {string.Join(" / ", errors)}");
            }
            else
            {
                Assert.Equal(Expected(type, probe), Read(outcome.Loaded!.Options, path));
            }
        }
    }

    /// <summary>A valid configuration with every optional section present, so that each leaf has a place to go.</summary>
    internal const string ProbeBaseline = """
        {
          "Bulwark": {
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
                "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
                "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" },
                "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50 }
              }
            },
            "Providers": {
              "primary":   { "BaseUrl": "http://127.0.0.1:9", "Headers": { "X-Probe": { "Value": "probe" } } },
              "secondary": { "BaseUrl": "http://127.0.0.1:9" }
            },
            "Routes": [
              { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ] }
            ],
            "Alerts": {
              "Channels": { "X-Probe": { "Type": "Webhook", "Url": "http://127.0.0.1:9/hook" } },
              "Escalation": { "Policies": { "X-Probe": { "Matchers": [ "rule=x" ], "Levels": [ { "After": "00:00:00", "MinSeverity": "Info", "Channels": [ "X-Probe" ] } ] } } },
              "Inhibit": [ { "SourceMatchers": [ "rule=a" ], "TargetMatchers": [ "rule=b" ], "Equal": [ "provider" ] } ]
            }
          }
        }
        """;

    internal static GatewayHostSettings Settings(string json) => new(null, json, ["http://127.0.0.1:0"]) { Environment = static _ => null, EnvironmentOverrides = false };

    /// <summary>A pattern's first instance in <see cref="ProbeBaseline"/>: index 0, and the dictionaries' sample keys.</summary>
    internal static string Concrete(string pattern)
    {
        var parts = pattern.Split(':');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i] switch
            {
                "[]" => "0",
                "{name}" => parts[i - 1] switch { "Pipelines" => "default", "Providers" => "primary", _ => "X-Probe" },
                var part => part,
            };
        }

        return string.Join(':', parts);
    }

    /// <summary>Loads <see cref="ProbeBaseline"/> with <paramref name="value"/> at <paramref name="path"/>.</summary>
    internal static (LoadedGatewayConfiguration? Loaded, IReadOnlyList<string>? Errors) ProbeLoad(string path, object value)
    {
        var root = JsonNode.Parse(ProbeBaseline)!;
        var parts = path.Split(':');
        JsonNode node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            bool nextIsIndex = int.TryParse(parts[i + 1], out _);
            node = Child(node, parts[i], () => nextIsIndex ? new JsonArray() : new JsonObject());
        }

        var leaf = JsonValue.Create(value is TimeSpan span ? span.ToString("c", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture));
        if (node is JsonArray array)
        {
            int index = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (index < array.Count)
            {
                array[index] = leaf;
            }
            else
            {
                array.Add(leaf);
            }
        }
        else
        {
            node[parts[^1]] = leaf;
        }

        try
        {
            return (GatewayConfiguration.Load(Settings(root.ToJsonString())), null);
        }
        catch (OptionsValidationException e)
        {
            return (null, [.. e.Failures]);
        }
    }

    private static JsonNode Child(JsonNode node, string key, Func<JsonNode> create)
    {
        if (node is JsonArray array)
        {
            int index = int.Parse(key, CultureInfo.InvariantCulture);
            if (index >= array.Count)
            {
                array.Add(create());
            }

            return array[index]!;
        }

        var obj = node.AsObject();
        return obj[key] ?? (obj[key] = create());
    }

    /// <summary>The value at <paramref name="path"/> (below <c>Bulwark</c>) of <paramref name="options"/>, or <see langword="null"/> where a section is absent.</summary>
    internal static object? Read(object options, string path)
    {
        object? current = options;
        foreach (string part in path.Split(':').Skip(1))
        {
            current = current switch
            {
                null => null,
                IDictionary dictionary => Lookup(dictionary, part),
                IList list => int.Parse(part, CultureInfo.InvariantCulture) is var i && i < list.Count ? list[i] : null,
                var value => value.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance)!.GetValue(value),
            };
        }

        return current;
    }

    private static object? Lookup(IDictionary dictionary, string key)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (string.Equals((string)entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>A value of <paramref name="type"/> that is not <paramref name="current"/>, valid where a simple rule can tell.</summary>
    internal static object Different(Type type, object? current) => type switch
    {
        _ when type == typeof(bool) => !(current as bool? ?? false),
        _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current)),
        _ when type == typeof(int) => current is int i && i > 0 ? i + 1 : 418,
        _ when type == typeof(long) => current is long l && l > 0 ? l + 1 : 4096L,
        _ when type == typeof(double) => current is double d && d > 0 ? Math.Round(d * 1.1, 3) : 0.25,
        _ when type == typeof(decimal) => current is decimal m && m > 0 ? m + 0.25m : 0.25m,
        _ when type == typeof(TimeSpan) => current is TimeSpan t && t > TimeSpan.Zero ? t + TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2),
        _ when type == typeof(Uri) => new Uri("http://127.0.0.1:4317/"),
        _ when type == typeof(string) => "X-Probe",
        _ => throw new InvalidOperationException($"No probe value for {type}."),
    };

    /// <summary>A value no range of <paramref name="type"/> allows, or <see langword="null"/> for a type with no range.</summary>
    private static object? OutOfRange(Type type) => type switch
    {
        _ when type == typeof(int) => -1,
        _ when type == typeof(long) => -1L,
        _ when type == typeof(double) => -1.0,
        _ when type == typeof(decimal) => -1m,
        _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(-1),
        _ => null,
    };

    private static object Expected(Type type, object probe) => type == typeof(Uri) || type == typeof(string) || probe.GetType() == type ? probe : Convert.ChangeType(probe, type, CultureInfo.InvariantCulture);

    internal static IEnumerable<(string Pattern, Type Type)> Leaves(Type type, string path)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            string child = $"{path}:{property.Name}";
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (DictionaryValue(propertyType) is { } value)
            {
                foreach (var leaf in Item(value, child + ":{name}"))
                {
                    yield return leaf;
                }
            }
            else if (Element(propertyType) is { } element)
            {
                foreach (var leaf in Item(element, child + ":[]"))
                {
                    yield return leaf;
                }
            }
            else if (property.SetMethod is { IsPublic: true })
            {
                foreach (var leaf in Item(propertyType, child))
                {
                    yield return leaf;
                }
            }
        }
    }

    private static IEnumerable<(string Pattern, Type Type)> Item(Type type, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return IsScalar(type) ? [(path, type)] : Leaves(type, path);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static Type? DictionaryValue(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? Element(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))?.GetGenericArguments()[0];
}
