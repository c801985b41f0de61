/**
 * This project's own JSON schemas of the operator resources in deploy/k8s: for each kind, the
 * subset of the operator's API that the manifests use, and nothing else, written here by hand
 * from the operators' published API references (they are not the operators' CRDs). Every object
 * described takes no property it does not list, so a misspelt field fails as
 * `kubectl apply --validate=strict` would fail it; types, enums, required fields and minimums
 * follow each API where it defines them. A field the manifests start to use is added here first.
 *
 * They follow Strimzi 1.x (`kafka.strimzi.io/v1`, KRaft with node pools), ECK 3.x
 * (`elasticsearch.k8s.elastic.co/v1`), CloudNativePG 1.30 (`postgresql.cnpg.io/v1`) and the
 * Keycloak operator 26.x (`k8s.keycloak.org/v2alpha1`).
 */

export type Schema = Record<string, unknown>;

export interface OperatorSchema {
  /** The operator and release line whose API the schema follows. */
  operator: string;
  group: string;
  version: string;
  kind: string;
  /** The schema of `spec`; the object around it is the same for every kind. */
  spec: Schema;
}

/** An object with exactly these properties (the required ones first in `required`). */
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...(required.length ? { required } : {}),
});
const string: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const boolean: Schema = { type: 'boolean' };
const integer = (minimum?: number, maximum?: number): Schema => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});
const array = (items: Schema, minItems?: number): Schema => ({ type: 'array', items, ...(minItems === undefined ? {} : { minItems }) });
const port = integer(1, 65535);
/** A map of free-form settings (a Kafka or Elasticsearch configuration): the server reads them. */
const settings: Schema = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
const stringMap: Schema = { type: 'object', additionalProperties: string };

/** A Kubernetes quantity, as a string (`500m`, `2Gi`, `1`) or a plain number. */
const QUANTITY = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$';
const quantity: Schema = { anyOf: [{ type: 'string', pattern: QUANTITY }, { type: 'number' }] };
/** A storage size: a quantity written as a string, as the operators' `size` fields take it. */
const size: Schema = { type: 'string', pattern: QUANTITY };
/** Container resources: requests and limits of cpu and memory. */
const resources = object({
  requests: object({ cpu: quantity, memory: quantity }),
  limits: object({ cpu: quantity, memory: quantity }),
});
/** A key of a Secret in the resource's namespace. */
const secretKey = object({ name: nonEmpty, key: nonEmpty }, ['name', 'key']);
const labelSelector = object({ matchLabels: stringMap });

const kafka = object(
  {
    kafka: object(
      {
        listeners: array(
          object(
            {
              name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
              port: integer(9092),
              type: { enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'] },
              tls: boolean,
              networkPolicyPeers: array(object({ podSelector: labelSelector, namespaceSelector: labelSelector })),
            },
            ['name', 'port', 'type', 'tls'],
          ),
          1,
        ),
        config: settings,
      },
      ['listeners'],
    ),
    entityOperator: object({ topicOperator: object({}) }),
  },
  ['kafka'],
);

const volume = object(
  {
    id: integer(0),
    type: { enum: ['ephemeral', 'persistent-claim'] },
    size,
    deleteClaim: boolean,
    kraftMetadata: { enum: ['shared'] },
  },
  ['type'],
);
const kafkaNodePool = object(
  {
    replicas: integer(0),
    roles: array({ enum: ['controller', 'broker'] }, 1),
    storage: object({ type: { enum: ['ephemeral', 'persistent-claim', 'jbod'] }, volumes: array(volume, 1) }, ['type']),
    resources,
  },
  ['replicas', 'roles', 'storage'],
);

const kafkaTopic = object({
  topicName: nonEmpty,
  partitions: integer(1),
  replicas: integer(1, 32767),
  config: settings,
});

const elasticsearch = object(
  {
    version: nonEmpty,
    http: object({ tls: object({ selfSignedCertificate: object({ disabled: boolean }) }) }),
    auth: object({ roles: array(object({ secretName: nonEmpty }, ['secretName'])), fileRealm: array(object({ secretName: nonEmpty }, ['secretName'])) }),
    nodeSets: array(
      object(
        {
          name: { type: 'string', pattern: '^[a-zA-Z0-9-]+$' },
          count: integer(0),
          config: settings,
          podTemplate: object({ spec: object({ containers: array(object({ name: nonEmpty, resources }, ['name'])) }) }),
          volumeClaimTemplates: array(
            object({
              metadata: object({ name: nonEmpty }, ['name']),
              spec: object({
                accessModes: array({ enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] }, 1),
                resources: object({ requests: object({ storage: size }, ['storage']) }, ['requests']),
              }),
            }),
          ),
        },
        ['name', 'count'],
      ),
      1,
    ),
  },
  ['version', 'nodeSets'],
);

const cluster = object({
  instances: integer(1),
  imageName: nonEmpty,
  primaryUpdateStrategy: { enum: ['unsupervised', 'supervised'] },
  bootstrap: object({ initdb: object({ database: nonEmpty, owner: nonEmpty }) }),
  storage: object({ size }, ['size']),
  resources,
});

const keycloak = object({
  instances: integer(0),
  db: object({
    vendor: { enum: ['dev-file', 'dev-mem', 'mariadb', 'mssql', 'mysql', 'oracle', 'postgres'] },
    host: nonEmpty,
    database: nonEmpty,
    usernameSecret: secretKey,
    passwordSecret: secretKey,
  }),
  http: object({ httpEnabled: boolean, httpPort: port }),
  hostname: object({ hostname: nonEmpty, backchannelDynamic: boolean }),
  proxy: object({ headers: { enum: ['forwarded', 'xforwarded'] } }),
  ingress: object({ enabled: boolean }),
  resources,
});

/** The realm's representation, as far as docker/local/keycloak/ledger-realm.json goes. */
const protocolMapper = object(
  { name: nonEmpty, protocol: { enum: ['openid-connect', 'saml'] }, protocolMapper: nonEmpty, consentRequired: boolean, config: stringMap },
  ['name', 'protocol', 'protocolMapper'],
);
const realm = object(
  {
    realm: nonEmpty,
    displayName: string,
    enabled: boolean,
    sslRequired: { enum: ['all', 'external', 'none'] },
    defaultSignatureAlgorithm: nonEmpty,
    accessTokenLifespan: integer(1),
    ssoSessionIdleTimeout: integer(0),
    registrationAllowed: boolean,
    loginWithEmailAllowed: boolean,
    bruteForceProtected: boolean,
    roles: object({ realm: array(object({ name: nonEmpty, description: string }, ['name'])) }),
    users: array(
      object(
        {
          id: nonEmpty,
          username: nonEmpty,
          enabled: boolean,
          emailVerified: boolean,
          firstName: string,
          lastName: string,
          email: string,
          serviceAccountClientId: nonEmpty,
          credentials: array(object({ type: nonEmpty, value: nonEmpty, temporary: boolean }, ['type', 'value'])),
          realmRoles: array(nonEmpty),
        },
        ['username'],
      ),
    ),
    clients: array(
      object(
        {
          clientId: nonEmpty,
          name: string,
          enabled: boolean,
          publicClient: boolean,
          clientAuthenticatorType: nonEmpty,
          secret: nonEmpty,
          standardFlowEnabled: boolean,
          implicitFlowEnabled: boolean,
          directAccessGrantsEnabled: boolean,
          serviceAccountsEnabled: boolean,
          redirectUris: array(nonEmpty),
          webOrigins: array(nonEmpty),
          attributes: stringMap,
          protocolMappers: array(protocolMapper),
        },
        ['clientId'],
      ),
    ),
  },
  ['realm'],
);
const keycloakRealmImport = object(
  {
    keycloakCRName: nonEmpty,
    placeholders: { type: 'object', additionalProperties: object({ secret: secretKey }, ['secret']) },
    realm,
  },
  ['keycloakCRName', 'realm'],
);

export const OPERATOR_SCHEMAS: readonly OperatorSchema[] = [
  { operator: 'Strimzi 1.x', group: 'kafka.strimzi.io', version: 'v1', kind: 'Kafka', spec: kafka },
  { operator: 'Strimzi 1.x', group: 'kafka.strimzi.io', version: 'v1', kind: 'KafkaNodePool', spec: kafkaNodePool },
  { operator: 'Strimzi 1.x', group: 'kafka.strimzi.io', version: 'v1', kind: 'KafkaTopic', spec: kafkaTopic },
  { operator: 'ECK 3.x', group: 'elasticsearch.k8s.elastic.co', version: 'v1', kind: 'Elasticsearch', spec: elasticsearch },
  { operator: 'CloudNativePG 1.30', group: 'postgresql.cnpg.io', version: 'v1', kind: 'Cluster', spec: cluster },
  { operator: 'Keycloak operator 26.x', group: 'k8s.keycloak.org', version: 'v2alpha1', kind: 'Keycloak', spec: keycloak },
  { operator: 'Keycloak operator 26.x', group: 'k8s.keycloak.org', version: 'v2alpha1', kind: 'KeycloakRealmImport', spec: keycloakRealmImport },
];

/**
 * The whole object's schema: apiVersion and kind as the entry names them, metadata left to the API
 * server (as for every custom resource), the spec as described, and no status or other field.
 */
export const objectSchema = (entry: OperatorSchema): Schema =>
  object(
    { apiVersion: { const: `${entry.group}/${entry.version}` }, kind: { const: entry.kind }, metadata: { type: 'object' }, spec: entry.spec },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  );
