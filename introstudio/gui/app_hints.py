"""Hints in the app's words: the core's hints tell CLI users what to type; the app says where to click instead.

The core keeps one hint per error, written for the `introstudio` command ("Run `introstudio auth login`",
"pass --no-captions"). `app_hint` drops a command given as an aside ("(`introstudio captions DIR`)"), rewrites any other sentence
that holds command-line words with the matching app wording below (or a plain fallback), and leaves every
other sentence as it is.
"""

from __future__ import annotations

import re

CLI_WORDS = re.compile(r"`[^`]*`|\bintrostudio\s+[a-z]+\b|(?<![\w-])--[a-z][a-z-]*|\bpip install\b")
GENERIC = "Ask whoever looks after IntroStudio on this computer for help with this step."
MODEL = r"models install[`\s]+([\w.-]+)"

# (a pattern found in a CLI sentence, what the app says instead), first match wins; {0} is the first group.
RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), words) for p, words in (
    (MODEL, "Ask whoever looks after IntroStudio on this computer to install the speech model “{0}” once; "
            "then choose it as the Speech model on the Captions step."),
    (r"models list", "The Speech model list on the Captions step shows the models on this computer."),
    (r"--model\b", "Choose another Speech model on the Captions step."),
    (r"auth login|--client-secrets|--store-in-file", "Sign in to YouTube again on the Publish step."),
    (r"--no-captions", "To publish without captions on purpose, tick the box that says so on the Publish step."),
    (r"introstudio import\b", "Import a take, or record one, on the Record or import step."),
    (r"introstudio captions\b", "Make the captions on the Captions step."),
    (r"introstudio render\b", "Export the video on the Export step first."),
    (r"introstudio publish\b|--new-video|--queued", "Upload it from the Publish step."),
    (r"introstudio review\b|introstudio approve\b|--as\b|--role\b|--consent-form",
     "Record approvals with “Review and approval…” on the Publish step."),
    (r"introstudio (?:roster|batch)\b", "Use “Produce a folder of projects…” in the Project menu."),
    (r"introstudio new\b|--name\b", "Start a project with “New project…” in the Project menu."),
    (r"--template\b|--script-file\b|--set\b", "Choose the template or write the script on the Script step."),
    (r"introstudio info\b", "The Takes and Export steps list the project's takes and exports."),
    (r"--yes\b|--confirm-public\b", "Confirm when IntroStudio asks."),
    (r"pip install", "Ask whoever looks after IntroStudio on this computer to install it again."),
))
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`“])")
_ASIDE = re.compile(r"\s*\(`[^`]*`\)")  # "Make captions (`introstudio captions DIR`), then ...": the aside goes


def has_cli_words(text: str) -> bool:
    """Whether `text` tells the user to type something (a command, an option, a `quoted` command line)."""
    return bool(CLI_WORDS.search(text or ""))


def app_hint(hint: str) -> str:
    """`hint` with every sentence that holds command-line words said the app's way (never '' for a CLI hint)."""
    if not has_cli_words(hint):
        return hint
    out: list[str] = []
    for sentence in _SENTENCE.split(hint.strip()):
        if not has_cli_words(sentence):
            out.append(sentence)
            continue
        plain = _ASIDE.sub("", sentence)
        if not has_cli_words(plain):
            out.append(plain)
            continue
        rule = next(((words, found) for pattern, words in RULES if (found := pattern.search(sentence))), None)
        if rule is not None:
            words, found = rule
            out.append(words.format(*found.groups()))
    said = list(dict.fromkeys(out))  # two CLI sentences may map to the same words
    return " ".join(said) if said else GENERIC
