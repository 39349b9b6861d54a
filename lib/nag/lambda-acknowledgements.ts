import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Why a function runs outside a VPC, without a dead-letter queue and without reserved concurrency. */
export interface LambdaPlacementReasons {
  readonly noVpc: string;
  readonly noDlq: string;
  readonly noReservedConcurrency: string;
}

/** Acknowledges the NIST 800-53 and HIPAA findings about a function's VPC, dead-letter queue and concurrency, each with its reason. */
export function acknowledgeLambdaPlacement(fn: IConstruct, reasons: LambdaPlacementReasons): void {
  Validations.of(fn).acknowledge(
    { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: reasons.noVpc },
    { id: 'HIPAA.Security-LambdaInsideVPC', reason: reasons.noVpc },
    { id: 'NIST.800.53.R5-LambdaDLQ', reason: reasons.noDlq },
    { id: 'HIPAA.Security-LambdaDLQ', reason: reasons.noDlq },
    { id: 'NIST.800.53.R5-LambdaConcurrency', reason: reasons.noReservedConcurrency },
    { id: 'HIPAA.Security-LambdaConcurrency', reason: reasons.noReservedConcurrency },
  );
}
