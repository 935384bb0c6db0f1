/**
 * The browser's copies of AWS's rules (awsRules.ts) and the lists of tokens.ts are the ones
 * the OpenAPI file states (and the server enforces): read from studio_abac_ext/openapi.yaml.
 */
import { readFileSync } from 'fs';
import { load } from 'js-yaml';
import { join } from 'path';

import {
  DESCRIPTION_MAX,
  EXPERIMENT_NAME_MAX,
  EXPERIMENT_NAME_PATTERN,
  TAG_VALUE_MAX,
  TAGS_MAX
} from '../awsRules';
import { RESOURCE_TYPES, SCOPES } from '../tokens';

interface ISchema {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  maxProperties?: number;
  enum?: string[];
  properties?: Record<string, ISchema>;
  additionalProperties?: ISchema;
}

interface IParameter {
  name: string;
  schema: ISchema;
}

interface IOpenAPI {
  paths: Record<string, Record<string, { parameters?: IParameter[] }>> &
    Record<string, { parameters?: IParameter[] }>;
  components: { schemas: Record<string, ISchema> };
}

const spec = load(
  readFileSync(
    join(__dirname, '..', '..', 'studio_abac_ext', 'openapi.yaml'),
    'utf-8'
  )
) as IOpenAPI;
const schemas = spec.components.schemas;

function parameter(path: string, name: string, method?: string): ISchema {
  const holder = method ? spec.paths[path][method] : spec.paths[path];
  const found = holder.parameters?.find(p => p.name === name);
  if (!found) {
    throw new Error(`no parameter ${name} on ${path}`);
  }
  return found.schema;
}

describe('the OpenAPI file and the browser agree', () => {
  it.each([
    ['NewExperiment', 'name'],
    ['NewExperiment', 'displayName'],
    ['ExperimentChange', 'displayName']
  ])('on the SageMaker name rule of %s.%s', (schema, field) => {
    const rule = schemas[schema].properties?.[field];
    expect(rule?.pattern).toBe(EXPERIMENT_NAME_PATTERN.source);
    expect(rule?.minLength).toBe(1);
    expect(rule?.maxLength).toBe(EXPERIMENT_NAME_MAX);
  });

  it('on the length of the name in the experiment path', () => {
    expect(parameter('/experiments/{name}', 'name').maxLength).toBe(
      EXPERIMENT_NAME_MAX
    );
  });

  it.each(['NewExperiment', 'ExperimentChange'])(
    'on the description limit of %s',
    schema => {
      expect(schemas[schema].properties?.description?.maxLength).toBe(
        DESCRIPTION_MAX
      );
    }
  );

  it('on the tag limits', () => {
    expect(schemas.Tags.maxProperties).toBe(TAGS_MAX);
    expect(schemas.Tags.additionalProperties?.maxLength).toBe(TAG_VALUE_MAX);
  });

  it('on the resource types and scopes the sidebar offers', () => {
    expect(parameter('/resources', 'type', 'get').enum).toEqual([
      ...RESOURCE_TYPES
    ]);
    expect(parameter('/resources', 'scope', 'get').enum).toEqual([...SCOPES]);
  });
});
