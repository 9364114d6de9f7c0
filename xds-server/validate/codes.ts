/**
 * Stable codes of validation issues. Each says what broke; the issue's `rule` and `message` say
 * which rule and what to change. Operators and tests match on these, so never rename one.
 */
export const ISSUE_CODES = {
  /** A `validate.rules` annotation in Envoy's protos is violated (see `rule`, e.g. `uint32.gte`). */
  PROTO_RULE: 'PROTO_RULE',
  /** A field the message type does not have; protobufjs would silently drop it. */
  PROTO_UNKNOWN_FIELD: 'PROTO_UNKNOWN_FIELD',
  /** A value of the wrong JavaScript type for its proto field (or an unknown enum name). */
  PROTO_WRONG_TYPE: 'PROTO_WRONG_TYPE',
  /** More than one member of a oneof is set; Envoy would keep only the last. */
  PROTO_ONEOF_CONFLICT: 'PROTO_ONEOF_CONFLICT',
  /** An Any whose type URL names no message type Prescient loaded, so it cannot be packed. */
  PROTO_UNKNOWN_TYPE: 'PROTO_UNKNOWN_TYPE',
  /** A route (or mirror) names a cluster that is not in the set. */
  REF_UNKNOWN_CLUSTER: 'REF_UNKNOWN_CLUSTER',
  /** Weighted clusters whose weights sum to zero: the route could send traffic nowhere. */
  REF_ZERO_TOTAL_WEIGHT: 'REF_ZERO_TOTAL_WEIGHT',
  /** An EDS cluster without a ClusterLoadAssignment: Envoy would keep it warming forever. */
  REF_MISSING_ASSIGNMENT: 'REF_MISSING_ASSIGNMENT',
  /** A listener's HTTP connection manager asks RDS for a RouteConfiguration not in the set. */
  REF_UNKNOWN_ROUTE_CONFIG: 'REF_UNKNOWN_ROUTE_CONFIG',
  /** Two documents rendered a resource of the same type and name. */
  REF_DUPLICATE_NAME: 'REF_DUPLICATE_NAME',
  /** A resource's own name field differs from the name it is served under. */
  REF_NAME_MISMATCH: 'REF_NAME_MISMATCH',
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;
