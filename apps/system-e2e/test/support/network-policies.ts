/**
 * Whether NetworkPolicies let one pod reach another on a port, as Kubernetes
 * decides it within one namespace: a pod selected by no policy of a direction
 * is open in that direction; a selected one only to what some rule allows.
 * A connection needs both the source's egress and the destination's ingress.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface Rule {
  ports?: { protocol?: string; port?: number | string }[];
  from?: Peer[];
  to?: Peer[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: Rule[];
  egress?: Rule[];
}

export interface Pod {
  labels: Record<string, string>;
  /** Named container ports, for rules that name their port. */
  ports?: Record<string, number>;
}

/** A client outside the namespace, in no namespace an administrator labelled: the internet, an ingress controller. */
export const OUTSIDE = 'outside';

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
  return byLabel && byExpression;
}

/** A pod of the namespace is named by a pod selector alone; a client outside it only by an IP block. */
function peerIs(peer: Peer, pod: Pod | typeof OUTSIDE): boolean {
  if (pod === OUTSIDE) {
    return peer.ipBlock !== undefined;
  }
  return (
    peer.podSelector !== undefined && peer.namespaceSelector === undefined && selects(peer.podSelector, pod.labels)
  );
}

function portMatches(rule: Rule, port: number, on: Pod): boolean {
  return (
    rule.ports === undefined ||
    rule.ports.length === 0 ||
    rule.ports.some(
      (candidate) =>
        (candidate.protocol ?? 'TCP') === 'TCP' &&
        (candidate.port === undefined ||
          candidate.port === port ||
          (typeof candidate.port === 'string' && on.ports?.[candidate.port] === port)),
    )
  );
}

function allowedOneWay(
  policies: NetworkPolicySpec[],
  direction: 'Ingress' | 'Egress',
  subject: Pod,
  peer: Pod | typeof OUTSIDE,
  port: number,
  portOwner: Pod,
): boolean {
  const applying = policies.filter(
    (policy) => selects(policy.podSelector, subject.labels) && (policy.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (applying.length === 0) {
    return true;
  }
  return applying.some((policy) =>
    (direction === 'Ingress' ? (policy.ingress ?? []) : (policy.egress ?? [])).some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const anyPeer = peers === undefined || peers.length === 0;
      return (anyPeer || peers.some((candidate) => peerIs(candidate, peer))) && portMatches(rule, port, portOwner);
    }),
  );
}

/** Whether `from` may open a TCP connection to `to` on `port`; a client outside the namespace has no egress policies here. */
export function canConnect(policies: NetworkPolicySpec[], from: Pod | typeof OUTSIDE, to: Pod, port: number): boolean {
  const egress = from === OUTSIDE || allowedOneWay(policies, 'Egress', from, to, port, to);
  return egress && allowedOneWay(policies, 'Ingress', to, from, port, to);
}
