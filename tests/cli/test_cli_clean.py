"""``textreuse clean``: a text without its boilerplate, or with it marked."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from textreuse.cli import main

ARTICLE = (
    "Skip to content\n\n"
    "The council approved a new cycle lane along Station Road on Thursday, after two years "
    "of consultation and a petition signed by more than three thousand residents.\n\n"
    "Work will begin in the spring and is expected to take four months, the council said.\n\n"
    "Marcus Feldane\n\n"
    "Music evangelist. Tv fan. Social media scholar.\n\n"
    "Leave a Reply\n\n"
    "Your email address will not be published. Required fields are marked *\n"
)
BODY = ARTICLE[len("Skip to content\n\n") : ARTICLE.index("Marcus Feldane")]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_prints_the_text_without_boilerplate(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(write(tmp_path, ARTICLE))])
    assert result.exit_code == 0, result.output
    assert result.output == BODY


def test_clean_show_marks_every_cut_with_its_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", "--show", str(write(tmp_path, ARTICLE))])
    assert result.exit_code == 0, result.output
    for reason in ("navigation", "author bio", "comment form and all after it"):
        assert f"[cut: {reason}]" in result.output
    assert "Leave a Reply" in result.output and BODY in result.output


def test_clean_reports_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9")
    result = CliRunner().invoke(main, ["clean", str(path)])
    assert result.exit_code != 0
    assert "invalid UTF-8" in result.output
