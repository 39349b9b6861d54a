import { Template } from 'aws-cdk-lib/assertions';

/** The template as JSON with asset hashes masked, so a snapshot changes only when the infrastructure does. */
export function scrubbedTemplate(template: Template): unknown {
  const json = JSON.stringify(template.toJSON())
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '[ASSET-HASH]$1')
    .replace(/"S3Key":"[^"]+"/g, '"S3Key":"[ASSET]"');
  return JSON.parse(json);
}
