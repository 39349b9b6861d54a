/**
 * onEvent handler (CDK Provider framework) of the custom resource that associates a Voice ID domain
 * with an Amazon Connect instance. The Provider framework turns a thrown error into a FAILED response
 * whose reason is the error message.
 *
 * Resource properties: `InstanceId` (Connect instance id), `DomainArn` (Voice ID domain ARN).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { associationIdOf, onCreate, onDelete, onUpdate, type AssociationProps, type AssociationResult, type ConnectAssociations } from './association-logic';
import { SdkConnectAssociations } from './connect-associations';

const logger = new Logger({ serviceName: 'connect-voice-id-association' });
const connect: ConnectAssociations = new SdkConnectAssociations(new ConnectClient({}));

const propsSchema = z.object({
  InstanceId: z.string().check(z.regex(/^[a-zA-Z0-9-]{1,100}$/, 'InstanceId must be a Connect instance id')),
  DomainArn: z.string().check(z.regex(/^arn:aws[a-z-]*:voiceid:[a-z0-9-]+:\d{12}:domain\/[a-zA-Z0-9]{22}$/, 'DomainArn must be a Voice ID domain ARN')),
});

/** The Provider framework's onEvent contract: return the physical id (and optional Data). */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly IntegrationAssociationId: string };
}

/** The Lambda entry point. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> {
  return handleEvent(event, connect);
}

/** The adapter itself, with the port passed in (tests use an in-memory fake). */
export async function handleEvent(event: CloudFormationCustomResourceEvent, associations: ConnectAssociations): Promise<OnEventResponse> {
  const props = parseProps(event.ResourceProperties);
  const keys = { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, instanceId: props.instanceId };
  let result: AssociationResult;
  switch (event.RequestType) {
    case 'Create':
      result = await onCreate(associations, props);
      break;
    case 'Update':
      result = await onUpdate(associations, props, parseProps(event.OldResourceProperties), event.PhysicalResourceId);
      break;
    case 'Delete':
      result = await onDelete(associations, props, event.PhysicalResourceId);
      break;
  }
  logger.info('Voice ID association handled', { ...keys, outcome: result.outcome, integrationAssociationId: result.physicalResourceId });
  return { PhysicalResourceId: result.physicalResourceId, Data: { IntegrationAssociationId: associationIdOf(result.physicalResourceId) } };
}

function parseProps(raw: unknown): AssociationProps {
  const parsed = z.safeParse(propsSchema, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid resource properties: ${issue?.path.map(String).join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return { instanceId: parsed.data.InstanceId, domainArn: parsed.data.DomainArn };
}
