"""The `maillon` console command: one entry point for everything a user runs.

`maillon import geo` runs the management command `import_geo`, `maillon export activity`
runs `export_activity`, and so on for every verb in `GROUPED_VERBS`. Any other first word
is a plain Django management command (`maillon demo`, `maillon migrate`, `maillon check`…).
"""

import os
import sys

GROUPED_VERBS = {
    "import",
    "export",
    "bench",
    "audit",
    "publish",
    "generate",
    "rollups",
    "remind",
    "retention",
}


def command_argv(argv: list[str]) -> list[str]:
    """Map `maillon VERB OBJECT args…` onto `manage.py VERB_OBJECT args…`.

    `maillon check` is the data-quality check (`check_data`); Django's system checks stay
    reachable as `maillon check --system` (and `--deploy`).
    """
    if len(argv) >= 2 and argv[1] == "check":
        rest = argv[2:]
        if "--system" in rest or "--deploy" in rest:
            return [argv[0], "check", *[a for a in rest if a != "--system"]]
        return [argv[0], "check_data", *rest]
    if len(argv) >= 3 and argv[1] in GROUPED_VERBS and not argv[2].startswith("-"):
        name = f"{argv[1]}_{argv[2].replace('-', '_')}"
        return [argv[0], name, *argv[3:]]
    return list(argv)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_argv(list(sys.argv if argv is None else argv)))


if __name__ == "__main__":
    main()
