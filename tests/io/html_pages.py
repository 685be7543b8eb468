"""Helpers for the HTML and WARC tests: article pages with the usual clutter around them."""

from __future__ import annotations

from html import escape


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    charset: str | None = "utf-8",
    author: str | None = None,
    date: str | None = None,
    site: str | None = None,
    url: str | None = None,
) -> str:
    """A news page: navigation, header, the article paragraphs, a newsletter box, a footer."""
    head = [f"<title>{escape(title)}</title>"]
    if charset:
        head.append(f'<meta charset="{charset}">')
    if author:
        head.append(f'<meta name="author" content="{escape(author)}">')
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{escape(site)}">')
    if url:
        head.append(f'<link rel="canonical" href="{url}">')
    body = "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html>\n<html><head>" + "".join(head) + "</head><body>\n"
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
        '<li><a href="/sport">Sport</a></li></ul></nav>\n'
        f"<article><h1>{escape(title)}</h1>\n{body}\n</article>\n"
        '<aside class="newsletter">Subscribe to our newsletter for daily updates.</aside>\n'
        "<footer>Copyright 2025 Example Media. All rights reserved.</footer>\n"
        "</body></html>\n"
    )
