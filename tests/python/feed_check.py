"""Parses a feed file with feedparser, as the bots that read ShortScience's feeds do, and prints
what they read as JSON: the format, whether it parsed cleanly, and each entry's link, author and
`shortscience:` elements.

Usage: feed_check.py FILE
"""

import json
import sys

import feedparser


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        feed = feedparser.parse(handle.read())
    print(
        json.dumps(
            {
                "version": feed.version,
                "bozo": bool(feed.bozo),
                "problem": str(feed.get("bozo_exception", "")),
                "title": feed.feed.get("title"),
                "entries": [
                    {
                        "link": entry.get("link"),
                        "title": entry.get("title"),
                        "author": entry.get("author"),
                        "text": entry.get("summary", ""),
                        "arxivid": entry.get("shortscience_arxivid"),
                        "bibtexkey": entry.get("shortscience_bibtexkey"),
                        "votes": entry.get("shortscience_votes"),
                    }
                    for entry in feed.entries
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
