import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type ConnectAssociations, type VoiceIdAssociation } from '../../../lambda/connect-voice-id-association/association-logic';
import { handleEvent } from '../../../lambda/connect-voice-id-association/handler';

const INSTANCE = '11111111-2222-3333-4444-555555555555';
const DOMAIN = 'arn:aws:voiceid:eu-west-2:123456789012:domain/abcdefghijklmnopqrstuv';
const ID = '00000000-0000-0000-0000-000000000001';

function fake(existing: VoiceIdAssociation[] = []): ConnectAssociations & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    deleted,
    list: async () => existing,
    create: async () => ID,
    delete: async (_instance, id) => {
      deleted.push(id);
      return 'deleted';
    },
  };
}

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-2:123456789012:function:framework',
  ResponseURL: 'https://example.invalid',
  StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/Test/1',
  RequestId: 'r-1',
  LogicalResourceId: 'ConnectVoiceIdAssociation',
  ResourceType: 'Custom::ConnectVoiceIdAssociation',
  ResourceProperties: { ServiceToken: 'x', InstanceId: INSTANCE, DomainArn: DOMAIN },
};

describe('association handler', () => {
  test('Create returns the association id as PhysicalResourceId and Data', async () => {
    const event = { ...base, RequestType: 'Create' } as CloudFormationCustomResourceEvent;
    expect(await handleEvent(event, fake())).toEqual({ PhysicalResourceId: ID, Data: { IntegrationAssociationId: ID } });
  });

  test('Delete disassociates the physical id', async () => {
    const connect = fake();
    const event = { ...base, RequestType: 'Delete', PhysicalResourceId: ID } as CloudFormationCustomResourceEvent;
    expect((await handleEvent(event, connect)).PhysicalResourceId).toBe(ID);
    expect(connect.deleted).toEqual([ID]);
  });

  test('Update with unchanged properties keeps the physical id', async () => {
    const event = { ...base, RequestType: 'Update', PhysicalResourceId: ID, OldResourceProperties: base.ResourceProperties } as CloudFormationCustomResourceEvent;
    expect((await handleEvent(event, fake())).PhysicalResourceId).toBe(ID);
  });

  test('rejects properties that are not an instance id and a domain ARN, naming the property', async () => {
    const event = { ...base, RequestType: 'Create', ResourceProperties: { ServiceToken: 'x', InstanceId: INSTANCE, DomainArn: 'not-an-arn' } } as CloudFormationCustomResourceEvent;
    await expect(handleEvent(event, fake())).rejects.toThrow(/DomainArn/);
  });
});
