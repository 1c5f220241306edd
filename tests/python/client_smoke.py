"""Generates a Python client from the served spec with openapi-python-client and uses it,
unmodified, the way a script author would: list summaries, then read the paper of the first one.

Usage: client_smoke.py BASE_URL WORK_DIR
Fails on any generator warning (an operation it could not generate is dropped with a warning).
"""

import importlib
import pathlib
import subprocess
import sys


def generate(base: str, work: pathlib.Path) -> pathlib.Path:
    package = work / "shortscience_client"
    generator = pathlib.Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--url",
            f"{base}/openapi.json",
            "--output-path",
            str(package),
            "--meta",
            "none",
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or "warning" in output.lower():
        sys.exit(f"openapi-python-client failed or warned:\n{output}")
    return package


def main() -> None:
    base, work = sys.argv[1], pathlib.Path(sys.argv[2])
    package = generate(base, work)
    sys.path.insert(0, str(package.parent))
    client_module = importlib.import_module(f"{package.name}.client")
    list_summaries = importlib.import_module(f"{package.name}.api.summaries.list_summaries")
    get_paper = importlib.import_module(f"{package.name}.api.papers.get_paper")
    summary_sort = importlib.import_module(f"{package.name}.models.summary_sort")

    client = client_module.Client(base_url=base, raise_on_unexpected_status=True)
    page = list_summaries.sync(client=client, sort=summary_sort.SummarySort.TOP, limit=5)
    if page is None or not page.items:
        sys.exit(f"list_summaries returned no summaries: {page!r}")
    if len(page.items) > 5:
        sys.exit(f"list_summaries ignored limit=5: {len(page.items)} items")
    scores = [s.score for s in page.items]
    if scores != sorted(scores, reverse=True):
        sys.exit(f"sort=top is not best first: {scores}")
    first = page.items[0]
    paper = get_paper.sync(client=client, id=first.paper.id)
    if paper is None or paper.title != first.paper.title:
        sys.exit(f"get_paper({first.paper.id}) did not return the summary's paper: {paper!r}")
    print(f"listed {len(page.items)} summaries; read paper {paper.id}: {paper.title}")


if __name__ == "__main__":
    main()
