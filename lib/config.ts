import { RemovalPolicy } from 'aws-cdk-lib';
import {
  DEFAULT_DECISION_BUDGET_MS,
  MAX_DECISION_BUDGET_MS,
  MAX_RETENTION_DAYS,
  MIN_DECISION_BUDGET_MS,
  MIN_RETENTION_DAYS,
} from '../lambda/contact-flow-decision/config';
import { DEFAULT_MAX_RESULT_AGE_SECONDS, MAX_RESULT_AGE_SECONDS, MIN_RESULT_AGE_SECONDS } from '../lambda/contact-flow-decision/domain/policy';
import type { ConnectVoiceIdIntegrationProps } from './constructs/connect-integration';
import { DecisionRecordRequirement, FraudScreening } from './constructs/contact-flow-decision-function';
import { DOMAIN_DESCRIPTION_PATTERN, DOMAIN_NAME_PATTERN } from './constructs/voice-id-domain';

/**
 * What happens to the stateful resources (key, domain, buckets, tables) when their stack is deleted.
 */
export enum StatefulRemovalPolicy {
  /** Keep them (the default): voiceprints, audit records and job output outlive the stack. */
  RETAIN = 'retain',
  /** Delete them with the stack. For throw-away stages only; never allowed for a production stage. */
  DESTROY = 'destroy',
}

/** The typed configuration of one deployment of the app, validated once in `bin/`. */
export interface AppConfig {
  /** Stage name, part of every stack name (e.g. `dev`, `prod`). */
  readonly stage: string;
  /** Name of the Voice ID domain. */
  readonly domainName: string;
  /** Description of the Voice ID domain. */
  readonly domainDescription?: string;
  /** Days a decision record is kept before DynamoDB's TTL removes it. */
  readonly decisionRetentionDays: number;
  /** Days the batch workflow's per-speaker outcomes and job records are kept. */
  readonly batchRecordRetentionDays: number;
  /** Removal policy of the stateful resources. */
  readonly removalPolicy: StatefulRemovalPolicy;
  /** Lowest authentication score the decision Lambda accepts as AUTHENTICATED (default: the flows' acceptance threshold). */
  readonly policyMinAuthenticationScore?: number;
  /** Known-fraudster risk score at or above which a caller is HIGH_RISK (default: the flows' fraud threshold). */
  readonly policyMaxKnownFraudsterRiskScore?: number;
  /** Voice-spoofing risk score at or above which a caller is HIGH_RISK (default: the flows' fraud threshold). */
  readonly policyMaxVoiceSpoofingRiskScore?: number;
  /** Whether authentication needs a completed fraud screening. */
  readonly policyFraudScreening: FraudScreening;
  /** Results whose audio ended longer ago than this many seconds never authenticate. */
  readonly policyMaxResultAgeSeconds: number;
  /** Whether an AUTHENTICATED needs its decision record (`required`) or the record is best effort. */
  readonly policyDecisionRecord: DecisionRecordRequirement;
  /** Hard deadline of one decision, in milliseconds. */
  readonly decisionBudgetMs: number;
  /** ARN of the Amazon Connect instance to wire the Lambda, the domain and the flow into, if any. */
  readonly connectInstanceArn?: string;
  /**
   * Settings of the deployed contact flow (used only with `connectInstanceArn`, except the two thresholds:
   * they are also what the decision Lambda trusts, for the shipped flow and the contact center's own).
   */
  readonly flow: ContactFlowConfig;
  /** E-mail address subscribed to the alarm topic, if any. */
  readonly alarmEmail?: string;
  /** Tags applied to every resource. */
  readonly tags: Readonly<Record<string, string>>;
  /** Target account; the stacks are environment-agnostic when neither account nor region is set. */
  readonly account?: string;
  /** Target region. */
  readonly region?: string;
}

/** Settings of the deployed Voice ID contact flow; absent values take the construct's defaults. */
export type ContactFlowConfig = Pick<
  ConnectVoiceIdIntegrationProps,
  | 'authenticationThreshold'
  | 'authenticationResponseTimeSeconds'
  | 'fraudThreshold'
  | 'watchlistId'
  | 'maxRetries'
  | 'fraudQueueArn'
  | 'nextQueueArn'
  | 'minAuthenticationScore'
  | 'ivrFlowArn'
>;

/** A configuration value that is not allowed; the message names the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    value: unknown,
    allowed: string,
  ) {
    super(`Invalid configuration value for '${key}': ${JSON.stringify(value)}. Expected ${allowed}. Set it in cdk.json "context" or with -c ${key}=...`);
    this.name = 'ConfigError';
  }
}

/** Reads one context value; `-c key=value` gives strings, cdk.json gives JSON types. */
export type ContextReader = (key: string) => unknown;

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const CONNECT_INSTANCE_ARN_PATTERN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** True for a stage that holds production data; such a stage must keep its stateful resources. */
export function isProductionStage(stage: string): boolean {
  return stage === 'prod' || stage.startsWith('prod-') || stage === 'production';
}

function optionalString(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(key, value, 'a string');
  return value;
}

function requiredString(read: ContextReader, key: string, pattern: RegExp, allowed: string): string {
  const value = optionalString(read, key);
  if (value === undefined || !pattern.test(value)) throw new ConfigError(key, read(key), allowed);
  return value;
}

function integerInRange(read: ContextReader, key: string, min: number, max: number): number {
  const raw = read(key);
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(key, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function optionalIntegerInRange(read: ContextReader, key: string, min: number, max: number): number | undefined {
  const raw = read(key);
  return raw === undefined || raw === null || raw === '' ? undefined : integerInRange(read, key, min, max);
}

function removalPolicyOf(read: ContextReader): StatefulRemovalPolicy {
  const raw = read('removalPolicy') ?? StatefulRemovalPolicy.RETAIN;
  const allowed = Object.values(StatefulRemovalPolicy) as string[];
  if (typeof raw !== 'string' || !allowed.includes(raw)) {
    throw new ConfigError('removalPolicy', raw, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return raw as StatefulRemovalPolicy;
}

/** A key whose value is one of a few names (the first is the default). */
function namedOption<T>(read: ContextReader, key: string, byName: Record<string, T>): T {
  const names = Object.keys(byName);
  const raw = read(key) ?? names[0];
  if (typeof raw !== 'string' || !Object.prototype.hasOwnProperty.call(byName, raw)) {
    throw new ConfigError(key, raw, `one of ${names.map((n) => `'${n}'`).join(', ')}`);
  }
  return byName[raw];
}

function tagsOf(read: ContextReader): Record<string, string> {
  let raw = read('tags') ?? {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new ConfigError('tags', raw, 'a JSON object of string values, e.g. {"team":"contact-center"}');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('tags', raw, 'an object of string values, e.g. {"team":"contact-center"}');
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!TAG_KEY_PATTERN.test(key) || key.toLowerCase().startsWith('aws:')) {
      throw new ConfigError(`tags.${key}`, key, 'a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with "aws:"');
    }
    if (typeof value !== 'string' || !TAG_VALUE_PATTERN.test(value)) {
      throw new ConfigError(`tags.${key}`, value, 'a string of at most 256 letters, digits, spaces or _.:/=+-@');
    }
    tags[key] = value;
  }
  return tags;
}

/**
 * Builds the typed configuration from CDK context, failing on the first invalid value.
 * Context is the only input: nothing here reads the process environment.
 */
export function loadConfig(read: ContextReader): AppConfig {
  const stage = requiredString(read, 'stage', STAGE_PATTERN, 'a stage name of 1-20 lowercase letters, digits or hyphens, starting with a letter');
  const domainName = requiredString(read, 'domainName', DOMAIN_NAME_PATTERN, 'a Voice ID domain name: letters, digits, _ or -, starting with a letter or digit');
  if (domainName.length > 256) throw new ConfigError('domainName', domainName, 'at most 256 characters');
  const domainDescription = optionalString(read, 'domainDescription');
  if (domainDescription !== undefined && (domainDescription.length > 1024 || !DOMAIN_DESCRIPTION_PATTERN.test(domainDescription))) {
    throw new ConfigError('domainDescription', domainDescription, 'at most 1024 letters, digits, spaces or _.:/=+-%@');
  }
  const decisionRetentionDays = integerInRange(read, 'decisionRetentionDays', MIN_RETENTION_DAYS, MAX_RETENTION_DAYS);
  const batchRecordRetentionDays = integerInRange(read, 'batchRecordRetentionDays', MIN_RETENTION_DAYS, MAX_RETENTION_DAYS);
  const removalPolicy = removalPolicyOf(read);
  const policyMinAuthenticationScore = optionalIntegerInRange(read, 'policyMinAuthenticationScore', 0, 100);
  const policyMaxKnownFraudsterRiskScore = optionalIntegerInRange(read, 'policyMaxKnownFraudsterRiskScore', 0, 100);
  const policyMaxVoiceSpoofingRiskScore = optionalIntegerInRange(read, 'policyMaxVoiceSpoofingRiskScore', 0, 100);
  const policyFraudScreening = namedOption(read, 'policyFraudScreening', { required: FraudScreening.REQUIRED, off: FraudScreening.OFF });
  const policyDecisionRecord = namedOption(read, 'policyDecisionRecord', {
    'best-effort': DecisionRecordRequirement.BEST_EFFORT,
    required: DecisionRecordRequirement.REQUIRED,
  });
  const policyMaxResultAgeSeconds =
    read('policyMaxResultAgeSeconds') === undefined
      ? DEFAULT_MAX_RESULT_AGE_SECONDS
      : integerInRange(read, 'policyMaxResultAgeSeconds', MIN_RESULT_AGE_SECONDS, MAX_RESULT_AGE_SECONDS);
  const decisionBudgetMs =
    read('decisionBudgetMs') === undefined ? DEFAULT_DECISION_BUDGET_MS : integerInRange(read, 'decisionBudgetMs', MIN_DECISION_BUDGET_MS, MAX_DECISION_BUDGET_MS);
  if (removalPolicy === StatefulRemovalPolicy.DESTROY && isProductionStage(stage)) {
    throw new ConfigError('removalPolicy', removalPolicy, `'retain' for the production stage '${stage}': 'destroy' is for throw-away stages only`);
  }
  const connectInstanceArn = optionalString(read, 'connectInstanceArn');
  if (connectInstanceArn !== undefined && !CONNECT_INSTANCE_ARN_PATTERN.test(connectInstanceArn)) {
    throw new ConfigError('connectInstanceArn', connectInstanceArn, 'an Amazon Connect instance ARN, arn:aws:connect:<region>:<account>:instance/<instance-id>');
  }
  const account = optionalString(read, 'account');
  if (account !== undefined && !ACCOUNT_PATTERN.test(account)) throw new ConfigError('account', account, 'a 12-digit AWS account id');
  const region = optionalString(read, 'region');
  if (region !== undefined && !REGION_PATTERN.test(region)) throw new ConfigError('region', region, 'an AWS region name such as us-east-1');
  if (connectInstanceArn !== undefined && region !== undefined && connectInstanceArn.split(':')[3] !== region) {
    throw new ConfigError('connectInstanceArn', connectInstanceArn, `an instance in the configured region '${region}' (Voice ID domains serve instances of their own region)`);
  }

  const watchlistId = optionalString(read, 'flowWatchlistId');
  if (watchlistId !== undefined && !/^[a-zA-Z0-9]{22}$/.test(watchlistId)) throw new ConfigError('flowWatchlistId', watchlistId, 'a Voice ID watchlist id of 22 letters or digits');
  const queueArn = (key: string) => {
    const value = optionalString(read, key);
    if (value !== undefined && !/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/queue\/[0-9a-f-]{36}$/.test(value)) {
      throw new ConfigError(key, value, 'an Amazon Connect queue ARN, arn:aws:connect:<region>:<account>:instance/<instance-id>/queue/<queue-id>');
    }
    return value;
  };
  const contactFlowArn = (key: string) => {
    const value = optionalString(read, key);
    if (value !== undefined && !/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/contact-flow\/[0-9a-f-]{36}$/.test(value)) {
      throw new ConfigError(key, value, 'an Amazon Connect contact flow ARN, arn:aws:connect:<region>:<account>:instance/<instance-id>/contact-flow/<flow-id>');
    }
    return value;
  };
  const flow: ContactFlowConfig = {
    authenticationThreshold: optionalIntegerInRange(read, 'flowAuthenticationThreshold', 0, 100),
    authenticationResponseTimeSeconds: optionalIntegerInRange(read, 'flowAuthenticationResponseTimeSeconds', 5, 10),
    fraudThreshold: optionalIntegerInRange(read, 'flowFraudThreshold', 0, 100),
    watchlistId,
    maxRetries: optionalIntegerInRange(read, 'flowMaxRetries', 1, 5),
    fraudQueueArn: queueArn('flowFraudQueueArn'),
    nextQueueArn: queueArn('flowNextQueueArn'),
    minAuthenticationScore: optionalIntegerInRange(read, 'flowMinAuthenticationScore', 0, 100),
    ivrFlowArn: contactFlowArn('flowIvrFlowArn'),
  };
  // The thresholds and the watchlist also configure the decision Lambda (what it trusts), so they stand without an instance.
  const instanceOnly = Object.entries(flow).filter(([key]) => key !== 'authenticationThreshold' && key !== 'fraudThreshold' && key !== 'watchlistId');
  const flowKeySet = instanceOnly.find(([, value]) => value !== undefined);
  if (flowKeySet && connectInstanceArn === undefined) {
    const key = `flow${flowKeySet[0][0].toUpperCase()}${flowKeySet[0].slice(1)}`;
    throw new ConfigError(key, flowKeySet[1], "to be set only with 'connectInstanceArn': the contact flow is deployed into that instance");
  }

  const alarmEmail = optionalString(read, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) throw new ConfigError('alarmEmail', alarmEmail, 'an e-mail address');

  return {
    stage,
    domainName,
    domainDescription,
    decisionRetentionDays,
    batchRecordRetentionDays,
    removalPolicy,
    policyMinAuthenticationScore,
    policyMaxKnownFraudsterRiskScore,
    policyMaxVoiceSpoofingRiskScore,
    policyFraudScreening,
    policyMaxResultAgeSeconds,
    policyDecisionRecord,
    decisionBudgetMs,
    connectInstanceArn,
    flow,
    alarmEmail,
    tags: tagsOf(read),
    account,
    region,
  };
}

/** The CDK removal policy for stateful resources under the given configuration. */
export function cdkRemovalPolicy(policy: StatefulRemovalPolicy): RemovalPolicy {
  return policy === StatefulRemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
