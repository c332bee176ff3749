"""Commands with other forms named by a second word: `captions DIR` makes captions, `captions check FILE` checks.

Two-word commands whose first word does nothing on its own (`roster import`, `auth login`, `models install`)
are argparse's nested sub-parsers. `captions` cannot be one: it is a command in its own right whose first
argument is a folder, which argparse would reject as an unknown sub-command name. Its other forms are
parsers of their own, chosen here by the second word, with their own usage, help and errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


class FormsParser(argparse.ArgumentParser):
    """An ArgumentParser that hands the arguments to one of its forms when the first one names it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forms: dict[str, tuple[argparse.ArgumentParser, str]] = {}

    def add_form(self, word: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
        """A form `PROG WORD ...` with its own arguments; `help` is its line in this command's --help."""
        form = FormsParser(prog=f"{self.prog} {word}", **kwargs)
        form.set_defaults(form=word)
        self.forms[word] = (form, help)
        return form

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        words = list(sys.argv[1:] if args is None else args)
        if words and words[0] in self.forms:
            return self.forms[words[0]][0].parse_known_args(words[1:], namespace)
        return super().parse_known_args(words, namespace)

    def format_help(self) -> str:
        text = super().format_help()
        if not self.forms:
            return text
        width = max(len(word) for word in self.forms)
        lines = [f"  {self.prog} {word:<{width}}  {help}" for word, (_form, help) in self.forms.items()]
        return text + "\nother forms (see `" + f"{self.prog} FORM --help`):\n" + "\n".join(lines) + "\n"
