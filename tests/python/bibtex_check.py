"""Parses a BibTeX file with bibtexparser (v2) and prints its one entry's fields as JSON.

Usage: bibtex_check.py FILE
Fails when the file does not parse cleanly into exactly one entry.
"""

import json
import sys

import bibtexparser


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        library = bibtexparser.parse_string(handle.read())
    if library.failed_blocks:
        sys.exit(f"unparsable blocks: {[b.raw for b in library.failed_blocks]}")
    if len(library.entries) != 1:
        sys.exit(f"expected one entry, got {len(library.entries)}")
    entry = library.entries[0]
    fields = {field.key: field.value for field in entry.fields}
    fields["ENTRYTYPE"] = entry.entry_type
    fields["ID"] = entry.key
    print(json.dumps(fields))


if __name__ == "__main__":
    main()
