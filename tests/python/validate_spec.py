"""Validates the served OpenAPI document with openapi-spec-validator.

Usage: validate_spec.py BASE_URL
"""

import json
import sys
import urllib.request

from openapi_spec_validator import validate


def main() -> None:
    base = sys.argv[1]
    with urllib.request.urlopen(f"{base}/openapi.json") as response:
        spec = json.load(response)
    validate(spec)
    print(f"valid: {len(spec['paths'])} paths")


if __name__ == "__main__":
    main()
