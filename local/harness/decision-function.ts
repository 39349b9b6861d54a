import { ENV } from '../../lambda/contact-flow-decision/config';
import { BundledFunction, findBundledFunction, localEnvironment } from './bundled-function';
import { type LocalFunction, type LocalFunctionOptions, startLocalFunction } from './local-function';
import type { LocalStack } from './local-stack';

/** The end of the contact-flow decision function's construct path in the stateless stack. */
export const DECISION_FUNCTION_PATH = 'ContactFlowDecision/Function';

/** The decision function as synthesized into a cloud assembly (cdk.out): what `cdk deploy` uploads. */
export function findDecisionFunction(assemblyDir: string): BundledFunction {
  return findBundledFunction(assemblyDir, DECISION_FUNCTION_PATH);
}

/**
 * The decision function's environment against the local stack: its synthesized variables, the local domain
 * and table where CloudFormation would fill them in, and the SDK's endpoint settings.
 */
export function decisionFunctionEnvironment(fn: BundledFunction, stack: Pick<LocalStack, 'env' | 'domainId' | 'tables'>): Record<string, string> {
  return { ...stack.env, ...localEnvironment(fn, { [ENV.voiceIdDomainId]: stack.domainId, [ENV.decisionsTableName]: stack.tables.decisions }) };
}

/**
 * Starts the bundled decision function against the local stack: its environment, with `overrides` on top,
 * and the local world's clock.
 */
export function startDecisionFunction(
  fn: BundledFunction,
  stack: Pick<LocalStack, 'env' | 'domainId' | 'tables' | 'now'>,
  options: { readonly overrides?: Readonly<Record<string, string>> } & Omit<LocalFunctionOptions, 'environment' | 'clock'> = {},
): Promise<LocalFunction> {
  const { overrides, ...rest } = options;
  return startLocalFunction(fn, { ...rest, environment: { ...decisionFunctionEnvironment(fn, stack), ...overrides }, clock: stack.now });
}
