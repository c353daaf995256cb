#!/usr/bin/env python3
"""Turns schema sources into the standalone JSON schemas kubeconform reads offline.

  schemas.py k8s <kubernetes_validate wheel> <version, e.g. 1.35.0> <out dir>
      The PyPI package kubernetes-validate ships the Kubernetes OpenAPI as JSON
      schemas whose $refs point into a shared _definitions.json by URL. For every
      top-level kind this writes <kind>[-<group>]-<version>.json with the definitions
      it needs inlined, so nothing is fetched. Strict variant: unknown fields fail.
  schemas.py crd <out dir> <crd.json>...
      CustomResourceDefinitions (as JSON, one object or a list) to
      <out dir>/<group>/<kind>_<version>.json, in the layout of kubeconform's
      openapi2jsonschema: strict (additionalProperties: false where the CRD lists
      properties and does not preserve unknown fields), int-or-string as oneOf.

Standard library only.
"""
import json
import os
import re
import sys
import zipfile

REF = re.compile(r"^(?:/api/_definitions\.json|https://kubernetes\.io/api/_definitions\.json)?#/\$defs/(.+)$")


def k8s(wheel, version, out):
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    os.makedirs(out, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            sys.exit(f"schemas.py: no schemas for Kubernetes {version} in {wheel}")
        definitions = json.loads(archive.read(prefix + "_definitions.json"))["$defs"]
        written = 0
        for name in names:
            base = name[len(prefix):]
            if base.startswith("_"):
                continue
            schema = json.loads(archive.read(name))
            if "x-kubernetes-group-version-kind" not in schema:
                continue
            needed, pending = {}, []

            def rewrite(node):
                if isinstance(node, dict):
                    result = {}
                    for key, value in node.items():
                        if key == "$ref" and isinstance(value, str):
                            match = REF.match(value)
                            if match:
                                if match.group(1) not in needed:
                                    needed[match.group(1)] = None
                                    pending.append(match.group(1))
                                value = "#/$defs/" + match.group(1)
                        result[key] = rewrite(value)
                    return result
                if isinstance(node, list):
                    return [rewrite(item) for item in node]
                return node

            schema = rewrite(schema)
            schema.pop("$id", None)
            while pending:
                key = pending.pop()
                needed[key] = rewrite(definitions[key])
            if needed:
                schema["$defs"] = needed
            with open(os.path.join(out, base), "w") as handle:
                json.dump(schema, handle)
            written += 1
    print(f"schemas: Kubernetes {version}: {written} kinds")


def strict(node):
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if node.pop("x-kubernetes-int-or-string", False):
        for key in ("type", "format", "anyOf"):
            node.pop(key, None)
        node["oneOf"] = [{"type": "string"}, {"type": "integer"}]
    if (
        "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        node["additionalProperties"] = False
    return node


def crd(out, files):
    count = 0
    for file in files:
        with open(file) as handle:
            documents = json.load(handle)
        for document in documents if isinstance(documents, list) else [documents]:
            if not document or document.get("kind") != "CustomResourceDefinition":
                continue
            spec = document["spec"]
            group, kind = spec["group"], spec["names"]["kind"].lower()
            os.makedirs(os.path.join(out, group), exist_ok=True)
            for version in spec["versions"]:
                schema = strict(version["schema"]["openAPIV3Schema"])
                # apiVersion, kind and metadata are checked by Kubernetes' own rules.
                schema.setdefault("properties", {})
                schema["properties"]["metadata"] = {"type": "object"}
                schema["$schema"] = "http://json-schema.org/draft-07/schema#"
                path = os.path.join(out, group, f"{kind}_{version['name']}.json")
                with open(path, "w") as handle:
                    json.dump(schema, handle)
                count += 1
    print(f"schemas: {count} custom resource versions from {len(files)} CRD files")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "k8s":
        k8s(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "crd":
        crd(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
