/**
 * Gauntlet as a library: `import { validateCandidate, candidateFromData, createExecutor } from 'gauntlet'`.
 * The CLI is a thin layer over these same functions, so a report made here is the report
 * `gauntlet validate --json` writes for the same data, policy and seed (README, "Use it from
 * TypeScript"; formats in docs/formats.md, statistics in docs/methodology.md).
 */
export { validateBundle, validateCandidate, gateInput, type ValidateOptions } from './pipeline/validate.js';
export { loadCandidate, candidateSchema, type Candidate, type CandidateManifest, type InputRecord, type LoadOptions } from './io/candidate.js';
export { candidateFromData, type InMemoryCandidate } from './io/in_memory.js';
export { loadPolicy, resolvePolicy, policySchema, policySchemaFor, type LoadedPolicy, type Policy } from './io/policy.js';
export { createExecutor, InProcessExecutor, PoolExecutor, defaultWorkers, KERNELS, type ShardExecutor, type RuntimePoolOptions } from './runtime.js';
export { DEFAULT_GATES } from './gates/index.js';
export { gateRegistry, runGate, disabledResult, type GateDefinition, type AnyGateDefinition, type GateRegistry, type GateInput, type GateRunContext, type BaseGateOptions } from './gates/registry.js';
export type { GateResult, Comparison } from './gates/types.js';
export { winRateDefinition } from './gates/win_rate/definition.js';
export { walkForwardDefinition } from './gates/walk_forward/definition.js';
export { pboDefinition } from './gates/pbo/definition.js';
export { monteCarloDefinition } from './gates/monte_carlo/definition.js';
export { probabilisticSharpeGate } from './gates/probabilistic_sharpe/gate.js';
export { deflatedSharpeGate } from './gates/deflated_sharpe/gate.js';
export { minTrackRecordGate } from './gates/min_track_record/gate.js';
export { minBacktestLengthGate } from './gates/min_backtest_length/gate.js';
export { winRateGate } from './gates/win_rate/gate.js';
export { walkForwardGate } from './gates/walk_forward/gate.js';
export { pboGate } from './gates/pbo/gate.js';
export { monteCarloGate } from './gates/monte_carlo/gate.js';
export {
  reportSchema, reportSchemaFor, gateResultSchema, reportJson, gateJson, storedReport,
  REPORT_SCHEMA_VERSION, SUPPORTED_REPORT_VERSIONS, type Report, type StoredReport, type ChampionComparison,
} from './report/schema.js';
export { journalEntrySchema, type JournalEntry, type JournalGate } from './report/journal_schema.js';
export { jsonSchema, SCHEMA_NAMES, type SchemaName } from './report/json_schemas.js';
export { reportText } from './report/text.js';
export { loadChampion, compareWithChampion, championSchema, type ChampionManifest } from './pipeline/champion.js';
export { makeReturnsMatrix, makeTrades, type ReturnsMatrix, type Trades, type TradeUnit } from './io/types.js';
export { GauntletError, ExitCode, type ErrorCode } from './errors.js';
export { ENGINE_VERSION } from './version.js';
// The retraining lifecycle (docs/lifecycle.md): the model registry, promotions, monitoring, CI outputs.
export { initRegistry, promoteToShadow, promoteToProduction, rollback, promotionRules, type PromotionOutcome, type LifecycleOptions, type InitOptions, type ShadowOptions, type RuleResult } from './lifecycle/promote.js';
export { monitorStage, runMonitorChecks, type MonitorResult, type MonitorCheck, type MonitorStatus, type MonitorOptions } from './lifecycle/monitor.js';
export { readRegistry, type RegistryState, type Stages, type Manifest, type ModelRef } from './lifecycle/registry.js';
export { registryStatus, verifyRegistry, type RegistryStatus, type VerifyResult } from './lifecycle/status.js';
export { junitXml, githubCommands, markdownSummary } from './lifecycle/ci_outputs.js';
export { validateSuite, gateChecks, type Check, type CheckSuite } from './lifecycle/checks.js';
export { championForRun, checkChampionIdentity, championDifferences } from './pipeline/champion_checks.js';
