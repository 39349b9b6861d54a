import type { ConnectContactFlowEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-constants';

export interface ContactFlowEventOptions {
  readonly contactId: string;
  /** The caller's claimed identity, as the flow sets it (`$.CustomerId`); Voice ID's CustomerSpeakerId. */
  readonly customerId?: string;
  /**
   * Flow parameters (the Invoke Lambda block's function input parameters), on top of `customerId` = the
   * contact's Customer ID, which the shipped flow passes (`$.CustomerId`); `customerId: ''` passes no claim.
   */
  readonly parameters?: Record<string, string>;
  readonly initialContactId?: string;
}

/**
 * The event Amazon Connect sends a Lambda from an Invoke AWS Lambda function block, in the shape of
 * the official samples (a voice call with its media stream), with placeholder endpoint numbers.
 */
export function contactFlowEvent(options: ContactFlowEventOptions): ConnectContactFlowEvent & { Details: { ContactData: { CustomerId?: string } } } {
  const instanceArn = `arn:aws:connect:${LOCAL_REGION}:${LOCAL_ACCOUNT}:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa`;
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: options.contactId,
        CustomerEndpoint: { Address: '+15555550100', Type: 'TELEPHONE_NUMBER' },
        CustomerId: options.customerId,
        Description: null,
        InitialContactId: options.initialContactId ?? options.contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: instanceArn,
        LanguageCode: 'en-US',
        MediaStreams: {
          Customer: {
            Audio: {
              StartFragmentNumber: '91343852333181432392682062622220590765191907586',
              StartTimestamp: '1565781909613',
              StreamARN: `arn:aws:kinesisvideo:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stream/connect-contact-${options.contactId}/1565272947806`,
            },
          },
        },
        Name: 'ContactFlowEvent',
        PreviousContactId: options.contactId,
        Queue: null,
        References: {},
        SystemEndpoint: { Address: '+15555550199', Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: { ...(options.customerId !== undefined && { customerId: options.customerId }), ...options.parameters },
    },
  } as unknown as ConnectContactFlowEvent & { Details: { ContactData: { CustomerId?: string } } };
}
