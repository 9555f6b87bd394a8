"""Parse responses valid under a newer spec with a client generated from an older one.

Run in a fresh interpreter (the older package is also called `instantly_api`):

    python tests/scripts/parse_newer_responses.py OLD_OUTPUT_DIR NEWER_SPEC.json

For every operation both specs have, every 2xx JSON response of the newer spec gets several
synthesized bodies (see schema_instances); those valid under the newer spec (jsonschema, draft
2020-12) are fed to the older client's `_parse_response`. Prints a JSON summary.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from pathlib import Path
from typing import Any

__all__ = ["main"]

VARIANTS = 4


def main(argv: list[str]) -> int:
    old_output, newer_spec = Path(argv[0]), Path(argv[1])
    sys.path.insert(0, str(old_output))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    import httpx
    import instantly_api  # the older package
    import jsonschema
    from instantly_api.client import Client
    from openapi_python_client.strings import PythonIdentifier
    from schema_instances import instance_of

    from scripts.normalize import iter_operations

    assert str(old_output) in str(instantly_api.__file__)
    spec: dict[str, Any] = json.loads(newer_spec.read_text(encoding="utf-8-sig"))
    client = Client(base_url="http://127.0.0.1:9")
    checked, invalid, failures, missing = 0, 0, [], 0
    for path, method, operation in iter_operations(spec):
        tag = PythonIdentifier((operation.get("tags") or ["default"])[0], prefix="tag")
        name = PythonIdentifier(operation["operationId"], prefix="field_")
        try:
            module = importlib.import_module(f"instantly_api.api.{tag}.{name}")
        except ModuleNotFoundError:
            missing += 1  # an operation the older spec did not have
            continue
        for status, response in operation.get("responses", {}).items():
            media = response.get("content", {}).get("application/json")
            if not (status.startswith("2") and status.isdigit() and media and "schema" in media):
                continue
            schema = media["schema"]
            # The spec's components beside the schema, so `#/components/...` refs resolve.
            validator = jsonschema.Draft202012Validator(
                {"components": spec.get("components", {}), "allOf": [schema]}
            )
            for k in range(VARIANTS):
                body = instance_of(schema, spec, k)
                if not validator.is_valid(body):
                    invalid += 1
                    continue
                checked += 1
                http_response = httpx.Response(int(status), json=body)
                try:
                    module._parse_response(client=client, response=http_response)
                except Exception:
                    failures.append(
                        {
                            "operation": f"{method.upper()} {path} {status} variant {k}",
                            "error": traceback.format_exc(limit=-2),
                        }
                    )
    summary = {"checked": checked, "invalid": invalid, "new_operations": missing}
    print(json.dumps({**summary, "failures": failures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
