// The only door into the core for nodes and the CLI. The core never imports n8n-workflow.
export { ERROR_CODES, StackBackupError, isStackBackupError, type StackBackupErrorCode } from './errors/StackBackupError';
export { redactSecrets } from './errors/redactSecrets';
export { OPTION_FIELDS, fieldsOf, type OptionField } from './options/optionFields';
export type { Logger } from './logging/Logger';
export { silentLogger } from './logging/Logger';
export {
	COMPRESSIONS,
	defaultCompression,
	parseCompression,
	zstdAvailable,
	createDecompressor,
	type Compression,
} from './archive/compression';
export { sha256File } from './archive/sha256File';
export {
	normalizeEncryption,
	parseIdentityFile,
	recipientFingerprint,
	type DecryptionKeys,
	type EncryptionOptions,
	type EncryptionRecord,
} from './archive/ageKeys';
export { checkAgeKeys } from './archive/checkAgeKeys';
export { validateSetName } from './backupSet/setName';
export { DEFAULT_MIN_FREE_MB, DEFAULT_STALL_TIMEOUT_SECONDS } from './backupSet/backupRun';
export { localPath } from './backupSet/localRoot';
export { openPlace, showPlace, childPlace, parentPlace, lastName, type Location } from './storage/openPlace';
export { validS3Settings, s3SettingsFromEnv, DEFAULT_S3_REGION, type S3Settings } from './storage/s3Settings';
export type { Place, Storage } from './storage/Storage';
export { checkS3Connection } from './storage/checkS3Connection';
export { copySets, assertAllCopied, type CopySetsOptions, type CopySetsResult, type CopiedRun } from './copy/copySets';
export { backupReport, type BackupResult } from './backupSet/backupResult';
export { readManifest, MANIFEST_FILE, TOOL_VERSION, type Manifest, type ArtifactRecord } from './backupSet/manifest';
export { listCompleteSets, latestCompleteSet, type CompleteSet } from './backupSet/completeSets';
export { createDockerClient, parseDockerHost, DEFAULT_DOCKER_SOCKET, type DockerConnection } from './docker/dockerConnection';
export { mapDockerError } from './docker/dockerErrors';
export { parsePostgresUrl, type PgConnection } from './postgres/PgConnection';
export { openPgSession } from './postgres/pgSession';
export {
	backupPostgres,
	DEFAULT_MAX_SHRINK_PERCENT,
	DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS,
	type PostgresBackupOptions,
	type PostgresBackupResult,
} from './postgres/postgresBackup';
export type { PostgresInventory } from './postgres/inventory';
export { checkPostgresConnection } from './postgres/checkPostgresConnection';
export { checkDockerEngine } from './docker/checkDockerEngine';
export { parseRedisUrl, type RedisConnection } from './redis/RedisConnection';
export {
	backupRedis,
	DEFAULT_BGSAVE_TIMEOUT_SECONDS,
	type RedisBackupOptions,
	type RedisBackupResult,
	type RedisMethod,
} from './redis/redisBackup';
export { checkRedisConnection } from './redis/checkRedisConnection';
export { backupVolume, type VolumeBackupOptions, type VolumeBackupResult, type VolumeSource } from './volume/volumeBackup';
export { backupFiles, type FilesBackupOptions, type FilesBackupResult } from './volume/filesBackup';
export type { ContainerSelector } from './docker/stopContainers';
export {
	DEFAULT_POLICY,
	describePolicy,
	parseKeepWithin,
	validatePolicy,
	type RetentionPolicy,
	type ValidPolicy,
} from './retention/retentionPolicy';
export { calendarPeriods } from './retention/calendarPeriod';
export { planRetention, type RetentionCandidate, type RetentionDecision, type RetentionPlan } from './retention/planRetention';
export {
	pruneSets,
	DEFAULT_INCOMPLETE_GRACE_HOURS,
	type PruneOptions,
	type PruneResult,
	type PrunedSetReport,
} from './retention/pruneSets';
export {
	verifySet,
	verifySetForRestore,
	checkSetForRestore,
	resolveRunFolder,
	artifactOfKind,
	type VerifiedSet,
} from './backupSet/verifySet';
export {
	checkSigningKeys,
	newSigningKeyPair,
	normalizeSigning,
	normalizeTrust,
	signingKeyId,
	type SigningOptions,
	type TrustOptions,
} from './backupSet/setSigning';
export {
	restorePostgres,
	loadPostgresAside,
	swapInLoaded,
	discardLoaded,
	type LoadedAside,
	loadingDatabaseName,
	DEFAULT_RESTORE_JOBS,
	type PostgresRestoreOptions,
	type PostgresRestoreResult,
} from './postgres/postgresRestore';
export type { PostgresComparison } from './postgres/comparePostgresInventory';
export { restoreVolume, type VolumeRestoreOptions, type VolumeRestoreResult, type RestoreTarget } from './volume/volumeRestore';
export { restoreRedis, type RedisRestoreOptions, type RedisRestoreResult } from './redis/redisRestore';
export { runRestoreDrill, drillFailedError, type DrillOptions, type DrillVerdict, type DrillCheck } from './verify/restoreDrill';
export type { ScratchRedis } from './verify/scratchRedis';
export {
	listWorkflows,
	extractWorkflow,
	type WorkflowListing,
	type ExtractedWorkflow,
	type ExtractWorkflowOptions,
} from './postgres/workflowExtract';
export {
	compareWorkflows,
	workflowChangesSince,
	type LiveWorkflow,
	type WorkflowChange,
	type WorkflowChangeRow,
} from './postgres/workflowChanges';
export { pickExportedWorkflows, asRestoredCopy, type PickedWorkflows } from './postgres/exportedWorkflows';
export { WORKFLOWS_ARTIFACT_KIND } from './backupSet/manifest';
export { WORKFLOWS_BASE_NAME } from './backupSet/workflowsFile';
export { browseRuns, type BrowsedRun, type RunsPage, type BrowseRunsOptions } from './backupSet/browseRuns';
export { listSets, type SetListing, type RunListing } from './backupSet/listSets';
export { pinRun, unpinRun, readPin, type PinReport, type RunPin } from './backupSet/runPin';
export { recordDrill, summarizeDrills, summarizeSetDrills, type DrillRecord, type DrillSummary } from './backupSet/drillHistory';
export { restoreFiles, type FilesRestoreOptions, type FilesRestoreResult } from './volume/filesRestore';
export { restoreSet, type RestoreSetOptions, type RestoreSetResult } from './restore/restoreSet';
export { formatBytes } from './storage/freeSpace';
export { reportSets, type SetsReport, type SetReport } from './backupSet/setsReport';
export {
	writeRecoveryPlan,
	readRecoveryPlan,
	RECOVERY_PLANS_FOLDER,
	type RecoveryPlan,
	type PlannedSet,
	type PlanTarget,
	type N8nHooks,
} from './backupSet/recoveryPlan';
export { recoverStack, type RecoverOptions, type RecoverResult, type RecoverStep } from './recover/recoverStack';
export { collectWal, type WalCollectOptions, type WalCollectResult } from './postgres/walCollect';
export { stopWal, type WalStopOptions, type WalStopResult } from './postgres/walStop';
export { walSlotName } from './postgres/walSlot';
export { PHYSICAL_FORMAT } from './postgres/baseBackup';
export { readBatches, walReach, walTimelineFolder, type WalBatch, type WalFileRecord } from './backupSet/walArchive';
export { planPointInTime, type PitrPlan, type RecoveryTarget } from './postgres/pitrPlan';
export { restoreToPointInTime, type PointInTimeOptions, type PointInTimeResult, type PitrTarget } from './postgres/pitrRestore';
export { checkWalHealth, walHealthError, DEFAULT_WAL_MAX_AGE_MINUTES, type WalHealth } from './postgres/walHealth';
export { parseRunFolderName } from './backupSet/runFolderName';
