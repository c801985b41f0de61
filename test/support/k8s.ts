import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { objectSchema, OPERATOR_SCHEMAS } from './k8s-schemas.js';

/** Parsed YAML of a manifest's body, read field by field by the tests that check it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the shapes are the schemas' to check
export type Yaml = any;

/** One rendered object, loosely typed: the tests read what they check. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Yaml;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

export const K8S_DIR = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));

/**
 * kubectl with a kustomize that reads this repository's kustomizations (v4 or newer; Debian's
 * kubernetes-client 1.20 embeds kustomize v2, which does not), or why there is none.
 */
export const findKubectl = (): { path: string } | { missing: string } => {
  const path = process.env['KUBECTL'] ?? 'kubectl';
  try {
    const version = JSON.parse(execFileSync(path, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { kustomizeVersion?: string };
    const major = Number(/^v(\d+)/.exec(version.kustomizeVersion ?? '')?.[1] ?? 0);
    if (major >= 4) return { path };
    return { missing: `${path} embeds kustomize ${version.kustomizeVersion ?? '(none)'}; these manifests need v4 or newer` };
  } catch (error) {
    return { missing: `${path} could not be run (${(error as Error).message.split('\n')[0]}); \`bash docker/local/infra.sh up tools\` installs it where a package source has it` };
  }
};

export const render = (kubectl: string, overlay: string): K8sObject[] => {
  const text = execFileSync(kubectl, ['kustomize', `${K8S_DIR}${overlay}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const objects = parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject).filter(Boolean);
  // kustomize folds long base64 values over lines, which the API server's decoder skips.
  for (const o of objects) if (o.kind === 'Secret' && o.data) o.data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, v.replace(/\s+/g, '')]));
  return objects;
};

/** The core kinds used here, each validated by kubernetes-models' schema of it. */
const CORE_MODELS: Record<string, (object: K8sObject) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o),
  'autoscaling/v2/HorizontalPodAutoscaler': (o) => new HorizontalPodAutoscaler(o),
  'batch/v1/Job': (o) => new Job(o),
  'networking.k8s.io/v1/Ingress': (o) => new Ingress(o),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'v1/Namespace': (o) => new Namespace(o),
  'v1/Secret': (o) => new Secret(o),
  'v1/Service': (o) => new Service(o),
};

/**
 * The operator kinds' schemas (test/support/k8s-schemas.ts: the project's own description of the
 * part of each operator's API that the manifests use), compiled, by `<group>/<version>/<kind>`.
 */
export const loadOperatorValidators = (): Map<string, ValidateFunction> => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  return new Map(OPERATOR_SCHEMAS.map((entry) => [`${entry.group}/${entry.version}/${entry.kind}`, ajv.compile(objectSchema(entry))]));
};

/** Problems of one object against its schema; throws for a kind that no schema covers. */
export const validationProblems = (object: K8sObject, operators: Map<string, ValidateFunction>): string[] => {
  const key = `${object.apiVersion}/${object.kind}`;
  const model = CORE_MODELS[key];
  if (model) {
    try {
      model(object).validate();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  }
  const validate = operators.get(key);
  if (!validate) throw new Error(`no schema for ${key} (${object.metadata.name}): add its model, or describe it in test/support/k8s-schemas.ts`);
  return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
};

/** A Secret's values as text, from data (base64) or stringData. */
export const secretValues = (secret: K8sObject): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
  ...secret.stringData,
});
