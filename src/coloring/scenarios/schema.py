"""The JSON Schema of scenario files, generated from the pydantic models.

`python -m coloring.scenarios.schema > docs/scenario.schema.json` refreshes the published copy
(a test fails while it is out of date). Editors use it to complete and check scenario YAML.
"""

from __future__ import annotations

import json
import sys

from coloring.scenarios.model import Scenario


def schema_text() -> str:
    schema = Scenario.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "coloring scenario",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
