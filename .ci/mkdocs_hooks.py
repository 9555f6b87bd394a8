"""MkDocs hooks for the documentation site (`.ci/mkdocs.yml`).

The guides live in `docs/` and are read on GitHub as they are, so their links that leave `docs/`
(`../README.md`, `../CHANGELOG.md`, ...) point at repository files. The site serves those files
as pages of its own (the README is the home page) and these hooks rewrite such links to them; a
link to any other repository file (source code) becomes its plain text. Links between pages of
`docs/` are left alone, so strict mode still fails on a broken one. The API reference pages are
written here from the package's public surface (`instantly.__all__` and its lazy import map), so
a name added to the surface appears in the reference without editing a page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent

# Repository files served as pages: repository path -> the page's path on the site.
SERVED = {
    "README.md": "index.md",
    "docs/README.md": "maintainers.md",
    "CHANGELOG.md": "changelog.md",
    "openapi/CHANGELOG.md": "spec-changelog.md",
    "benchmarks/BENCHMARKS.md": "benchmark-figures.md",
}

_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")


def _reference_pages() -> dict[str, str]:
    """The API reference pages: mkdocstrings directives for every public name, by topic."""
    import instantly
    from instantly import _errors

    import_map: dict[str, str] = instantly._IMPORT_MAP
    public = [name for name in instantly.__all__ if name in import_map]
    clients = [
        f"::: instantly.{import_map[name].lstrip('.')}.{name}"
        for name in public
        if not import_map[name].startswith(".models")
    ]
    errors = [f"::: instantly._errors.{name}" for name in _errors.__all__]
    from instantly.resources._with_helpers import HELPER_MODULES
    from instantly_api.resources import RESOURCES

    helpers = [  # each module: its helpers as functions (bound as methods of both clients' classes)
        f"## client.{attribute}\n\n::: {module}\n    options:\n      show_root_heading: false"
        for attribute, module in HELPER_MODULES.items()
        if attribute in RESOURCES
    ]
    return {
        "reference/clients.md": "# Clients\n\n" + "\n\n".join(clients) + "\n",
        "reference/helpers.md": (
            "# Helpers\n\nThe methods written by hand, beside the generated ones of "
            "[api.md](../api.md) (a helper with an operation's name stands for it).\n\n"
            + "\n\n".join(helpers)
            + "\n"
        ),
        "reference/errors.md": "# Errors\n\n" + "\n\n".join(errors) + "\n",
        "reference/testing.md": "# The fake Instantly\n\n::: instantly.testing\n",
        "reference/webhooks.md": "# Webhooks\n\n::: instantly.webhooks\n",
    }


def on_files(files: Files, config: Any) -> Files:
    """Add the repository files served as pages, and the reference pages."""
    for source, page in SERVED.items():
        text = (ROOT / source).read_text(encoding="utf-8")
        files.append(File.generated(config, page, content=_rewrite(text, source)))
    for page, text in _reference_pages().items():
        files.append(File.generated(config, page, content=text))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Rewrite the links of a page of docs/ that leave docs/ (generated pages are done already)."""
    if page.file.generated_by:
        return markdown
    return _rewrite(markdown, "docs/" + page.file.src_uri)


def _rewrite(markdown: str, source: str) -> str:
    """`markdown` (the file at repository path `source`) with its links mapped onto the site."""
    here = posixpath.dirname(source)
    site_dir = posixpath.dirname(SERVED.get(source, source.removeprefix("docs/")))

    def replace(match: re.Match[str]) -> str:
        text, target = match["text"], match["target"]
        if re.match(r"^[a-z]+:|^#", target):
            return match[0]
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(here, path))
        if resolved in SERVED:
            page = SERVED[resolved]
        elif resolved.startswith("docs/"):
            page = resolved.removeprefix("docs/")
        else:
            return f"`{text}`" if text and not text.startswith("`") else text
        relative = posixpath.relpath(page, site_dir or ".")
        return f"[{text}]({relative}{'#' + anchor if anchor else ''})"

    return _LINK.sub(replace, markdown)
