#!/usr/bin/env python3
"""Checks the NetworkPolicies of a rendered overlay (a JSON array of its objects).

  network_policies.py <k8s-overlay.json>

  - a default deny: a policy selecting every pod (podSelector {}) for Ingress and Egress,
    with no rule;
  - every pod the overlay makes is selected by at least one policy that opens something:
    the pod templates of Deployments, StatefulSets and Jobs, and the pods the operators make
    from a CloudNativePG Cluster (cnpg.io/cluster + inheritedMetadata) and a Strimzi Kafka
    (strimzi.io/cluster + the pod template's labels, and its entity operator);
  - every pod selector a policy uses, as its subject or as a peer in its own namespace,
    matches at least one of those pods (a misspelt label opens nothing and says nothing).

Prints one line per problem; exit status 1 if there is any. Standard library only.
"""
import json
import sys


def pods(objects):
    """(name, labels) of every pod the overlay makes."""
    found = []
    for obj in objects:
        kind, name, spec = obj.get("kind"), obj["metadata"]["name"], obj.get("spec", {})
        if kind in ("Deployment", "StatefulSet", "Job"):
            labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
            found.append((f"{kind}/{name}", labels))
        elif kind == "Cluster" and obj["apiVersion"].startswith("postgresql.cnpg.io/"):
            inherited = spec.get("inheritedMetadata", {}).get("labels", {})
            found.append((f"Cluster/{name}", {"cnpg.io/cluster": name, **inherited}))
        elif kind == "Kafka" and obj["apiVersion"].startswith("kafka.strimzi.io/"):
            template = spec.get("kafka", {}).get("template", {}).get("pod", {}).get("metadata", {}).get("labels", {})
            found.append((f"Kafka/{name}", {"strimzi.io/cluster": name, **template}))
            if "entityOperator" in spec:
                found.append((f"Kafka/{name} entity operator",
                              {"strimzi.io/cluster": name, "strimzi.io/name": f"{name}-entity-operator"}))
    return found


def matches(selector, labels):
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def opens_something(policy):
    spec = policy["spec"]
    return bool(spec.get("ingress") or spec.get("egress"))


def peer_selectors(policy):
    """The pod selectors of the policy's peers in its own namespace (no namespaceSelector)."""
    spec = policy["spec"]
    for rule in spec.get("ingress", []):
        for peer in rule.get("from", []):
            if "podSelector" in peer and "namespaceSelector" not in peer:
                yield peer["podSelector"]
    for rule in spec.get("egress", []):
        for peer in rule.get("to", []):
            if "podSelector" in peer and "namespaceSelector" not in peer:
                yield peer["podSelector"]


def check(objects):
    problems = []
    policies = [obj for obj in objects if obj.get("kind") == "NetworkPolicy"]
    made = pods(objects)
    default_deny = [
        policy["metadata"]["name"]
        for policy in policies
        if policy["spec"].get("podSelector") == {}
        and sorted(policy["spec"].get("policyTypes", [])) == ["Egress", "Ingress"]
        and not opens_something(policy)
    ]
    if not default_deny:
        problems.append("no default deny: a NetworkPolicy with podSelector {}, policyTypes [Ingress, Egress] and no rule")
    for pod, labels in made:
        if not any(opens_something(policy) and matches(policy["spec"]["podSelector"], labels)
                   and policy["spec"]["podSelector"] != {} for policy in policies):
            problems.append(f"{pod}: no NetworkPolicy of its own opens anything to or from its pods")
    for policy in policies:
        name = policy["metadata"]["name"]
        selectors = [("selects", policy["spec"]["podSelector"])] + [("names as a peer", s) for s in peer_selectors(policy)]
        for role, selector in selectors:
            if selector and not any(matches(selector, labels) for _, labels in made):
                problems.append(f"NetworkPolicy/{name} {role} {json.dumps(selector)}, which matches no pod")
    return problems, len(policies), len(made)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as file:
        objects = json.load(file)
    problems, policies, made = check(objects)
    for problem in problems:
        print(f"network policies: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"network policies: default deny, {policies} policies, each of the {made} kinds of pod opened by its own")


if __name__ == "__main__":
    main()
