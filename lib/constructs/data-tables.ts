import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BATCH_JOBS_TABLE, DECISIONS_TABLE, KeyAttribute, TableDefinition } from '../../lambda/shared/table-definitions';

/** Properties of {@link DataTables}. */
export interface DataTablesProps {
  /** Customer-managed key encrypting every table. */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse `DeleteTable` while set. Turn off only to let a throw-away stage be deleted.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The app's DynamoDB tables, built from the shared {@link TableDefinition}s: on-demand, encrypted
 * with the customer-managed key, point-in-time recovery, TTL for retention.
 */
export class DataTables extends Construct {
  /** One record per contact evaluation. */
  readonly decisions: dynamodb.ITable;
  /** Batch jobs, their per-request outcomes, and the one-active-job-per-type locks. */
  readonly batchJobs: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    this.decisions = this.tableFrom(DECISIONS_TABLE, props);
    this.batchJobs = this.tableFrom(BATCH_JOBS_TABLE, props);
  }

  private tableFrom(definition: TableDefinition, props: DataTablesProps): dynamodb.Table {
    const table = new dynamodb.Table(this, definition.id, {
      partitionKey: attributeOf(definition.partitionKey),
      sortKey: definition.sortKey && attributeOf(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: definition.timeToLiveAttribute,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attributeOf(index.partitionKey),
        sortKey: index.sortKey && attributeOf(index.sortKey),
        ...(index.nonKeyAttributes
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.nonKeyAttributes] }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
    const reason =
      'Point-in-time recovery covers restores for 35 days; an AWS Backup plan would keep copies of biometric decision data beyond its explicit TTL retention.';
    Validations.of(table).acknowledge(
      { id: 'NIST.800.53.R5-DynamoDBInBackupPlan', reason },
      { id: 'HIPAA.Security-DynamoDBInBackupPlan', reason },
    );
    return table;
  }
}

function attributeOf(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}
