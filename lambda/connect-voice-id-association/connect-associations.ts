/**
 * Adapter: the {@link ConnectAssociations} port on the AWS SDK v3 Connect client.
 */
import {
  ConnectClient,
  CreateIntegrationAssociationCommand,
  DeleteIntegrationAssociationCommand,
  DuplicateResourceException,
  ListIntegrationAssociationsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { DuplicateAssociationError, type ConnectAssociations, type VoiceIdAssociation } from './association-logic';

export class SdkConnectAssociations implements ConnectAssociations {
  constructor(private readonly client: ConnectClient) {}

  async list(instanceId: string): Promise<VoiceIdAssociation[]> {
    const associations: VoiceIdAssociation[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListIntegrationAssociationsCommand({ InstanceId: instanceId, IntegrationType: 'VOICE_ID', MaxResults: 100, NextToken: nextToken }),
      );
      for (const summary of page.IntegrationAssociationSummaryList ?? []) {
        if (summary.IntegrationAssociationId && summary.IntegrationArn) {
          associations.push({ associationId: summary.IntegrationAssociationId, domainArn: summary.IntegrationArn });
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return associations;
  }

  async create(instanceId: string, domainArn: string): Promise<string> {
    try {
      const response = await this.client.send(
        new CreateIntegrationAssociationCommand({ InstanceId: instanceId, IntegrationType: 'VOICE_ID', IntegrationArn: domainArn }),
      );
      if (!response.IntegrationAssociationId) throw new Error('CreateIntegrationAssociation returned no IntegrationAssociationId');
      return response.IntegrationAssociationId;
    } catch (e: unknown) {
      if (e instanceof DuplicateResourceException) throw new DuplicateAssociationError(e.message);
      throw e;
    }
  }

  async delete(instanceId: string, associationId: string): Promise<'deleted' | 'not-found'> {
    try {
      await this.client.send(new DeleteIntegrationAssociationCommand({ InstanceId: instanceId, IntegrationAssociationId: associationId }));
      return 'deleted';
    } catch (e: unknown) {
      if (e instanceof ResourceNotFoundException) return 'not-found';
      throw e;
    }
  }
}
