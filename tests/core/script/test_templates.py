"""Script templates: bundled templates, the template syntax, rendering, errors and hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from introstudio.core.errors import InvalidInputError, NotFoundError, TemplateError
from introstudio.core.script.templates import (
    COMPUTED_VARIABLES,
    TEMPLATES_DIR,
    FilledScript,
    Template,
    Variable,
    computed_values,
    free_text_script,
    list_templates,
    load_template,
    parse_template,
    render,
)

BUNDLED = {"physician-intro", "surgeon-intro", "app-intro", "pediatrician-intro", "physician-intro-es"}
HEADER = 'id = "t"\ntitle = "T"\nlanguage = "en"\n'


def make(text: str, variables: str = "", header: str = HEADER) -> Template:
    """A template from inline text and [[variables]] TOML."""
    return parse_template(f'{header}text = """{text}"""\n{variables}')


def var(name: str, required: bool = False, extra: str = "") -> str:
    return f'[[variables]]\nname = "{name}"\nlabel = "{name.title()} label"\nrequired = {str(required).lower()}\n{extra}\n'


def assert_tidy(script: FilledScript) -> None:
    for para in script.paragraphs:
        assert para and para == para.strip()
        assert "  " not in para and "\n" not in para
        assert not re.search(r"\s[,.;:!?]", para), para
        assert not re.search(r",[.,;:!?]", para), para
        assert "{" not in para and "}" not in para, para


# --- bundled templates ----------------------------------------------------------------------------

def test_bundled_templates_are_listed_sorted() -> None:
    templates = list_templates()
    ids = [t.id for t in templates]
    assert BUNDLED <= set(ids)
    assert ids == sorted(ids)
    assert all(t.source is not None and t.source.parent == TEMPLATES_DIR for t in templates)


@pytest.mark.parametrize("template_id", sorted(BUNDLED))
def test_bundled_template_is_well_formed(template_id: str) -> None:
    t = load_template(template_id)
    assert t.title and t.description and t.language
    names = [v.name for v in t.variables]
    assert {"name", "specialty"} <= set(names)
    assert t.variable("name").required and t.variable("specialty").required
    assert all(v.example for v in t.variables), "every variable needs an example"
    raw = "\n".join(t.paragraphs)
    for name in names:
        assert re.search(r"\{[?!]?\s*" + name + r"\b", raw), f"{name} is declared but never used"
    assert len(t.paragraphs) == 5  # who I am, what I treat, how I work, first visit, close


@pytest.mark.parametrize("template_id", sorted(BUNDLED))
def test_bundled_template_reads_in_60_to_120_seconds(template_id: str) -> None:
    t = load_template(template_id)
    full = render(t, t.example_values())
    required_only = render(t, {v.name: v.example for v in t.variables if v.required})
    for script in (full, required_only):
        assert_tidy(script)
        assert script.template_id == template_id and script.language == t.language
        assert script.words_per_minute == t.words_per_minute
        assert 60 <= script.seconds <= 120, f"{script.word_count} words = {script.seconds:.0f} s"
    assert len(full.paragraphs) == 5
    assert full.word_count > required_only.word_count
    for v in t.variables:
        if v.name not in ("title", "role"):
            assert v.example in full.text, f"{v.name} example missing from the rendered script"


def test_spanish_template_is_spanish() -> None:
    t = load_template("physician-intro-es")
    assert t.language == "es" and t.words_per_minute == 140
    text = render(t, t.example_values()).text
    for word in ("Hola", "especialista", "primera visita", "medicamentos", "Dra. López"):
        assert word in text
    for english in (" the ", "I'm", " and ", "appointment"):
        assert english not in text
    labels = " ".join(v.label for v in t.variables)
    assert "Nombre completo" in labels and "Especialidad" in labels


def test_app_intro_role_falls_back_to_default() -> None:
    t = load_template("app-intro")
    base = {"name": "Jordan Lee", "specialty": "cardiology"}
    assert "Jordan Lee, advanced practice provider with our cardiology team" in render(t, base).text
    assert "Jordan Lee, physician assistant with" in render(t, {**base, "role": "physician assistant"}).text


def test_pediatrician_speaks_to_kids_by_name() -> None:
    t = load_template("pediatrician-intro")
    base = {"name": "Priya Shah", "specialty": "general pediatrics"}
    assert "You can call me Priya." in render(t, base).text
    assert "You can call me Dr. Shah." in render(t, {**base, "title": "Dr."}).text


# --- errors when rendering ------------------------------------------------------------------------

def test_every_missing_required_variable_is_named() -> None:
    t = load_template("physician-intro")
    with pytest.raises(TemplateError) as info:
        render(t, {"name": "   ", "phone": "555"})
    msg, hint = str(info.value), info.value.hint
    assert "name (Full name)" in msg and "specialty (Specialty" in msg
    assert "--name" in hint and "--specialty" in hint and "Clinician page" in hint


def test_unknown_value_is_named_with_the_declared_ones() -> None:
    t = load_template("physician-intro")
    with pytest.raises(TemplateError) as info:
        render(t, {"name": "A B", "specialty": "x", "speciality": "y"})
    assert "speciality" in str(info.value)
    assert "specialty" in info.value.hint and "display_name" in info.value.hint


def test_non_text_values() -> None:
    t = make("{name} has {n} years.", var("name", True) + var("n"))
    assert render(t, {"name": "Ann Lee", "n": 12}).text == "Ann Lee has 12 years."
    with pytest.raises(TemplateError):
        render(t, {"name": ["Ann"]})


# --- the syntax -----------------------------------------------------------------------------------

def test_optional_sections_vanish_cleanly() -> None:
    t = make(
        "I'm {name}{?credentials:, {credentials}}, a doctor{?org: at {org}} .\n"
        "{?languages: I also speak {languages}.} Thanks{?phone: , call {phone}}!\n\n"
        "{?notes: {notes}}\n\n"
        "Bye ( {?org:{org}} ) .",
        var("name", True) + var("credentials") + var("org") + var("languages") + var("phone") + var("notes"),
    )
    bare = render(t, {"name": "Ann Lee"})
    assert bare.paragraphs == ("I'm Ann Lee, a doctor. Thanks!", "Bye ().")
    full = render(t, {"name": "Ann Lee", "credentials": "MD", "org": "City Hospital", "languages": "Spanish",
                      "phone": "555", "notes": "Bring  your\n card."})
    assert full.paragraphs == (
        "I'm Ann Lee, MD, a doctor at City Hospital. I also speak Spanish. Thanks, call 555!",
        "Bring your card.",
        "Bye (City Hospital).",
    )
    assert full.text == "\n\n".join(full.paragraphs)


def test_otherwise_sections_nesting_and_literal_braces() -> None:
    t = make("{!title: Call me {first_name}.}{?title: Call me {formal_name}{?nick: or {nick}}.} "
             "Use {{braces}} and {{?x: this}}.",
             var("name", True) + var("title") + var("nick"))
    assert render(t, {"name": "Maria Lopez"}).text == "Call me Maria. Use {braces} and {?x: this}."
    assert render(t, {"name": "Maria Lopez", "title": "Dr.", "nick": "Dr. M"}).text.startswith(
        "Call me Dr. Lopez or Dr. M.")


def test_computed_names() -> None:
    assert computed_values("Maria Lopez", "Dr.") == {
        "display_name": "Dr. Maria Lopez", "formal_name": "Dr. Lopez",
        "first_name": "Maria", "last_name": "Lopez"}
    assert computed_values("Maria Lopez")["display_name"] == "Maria Lopez"
    assert computed_values("Maria Lopez")["formal_name"] == "Maria Lopez"
    assert computed_values("Dr. Maria Lopez", "Dr.")["display_name"] == "Dr. Maria Lopez"
    assert computed_values("John Smith Jr., MD", "Dr.")["formal_name"] == "Dr. Smith"
    assert computed_values("Cher")["last_name"] == "Cher"
    assert set(computed_values("A B")) == set(COMPUTED_VARIABLES)


def test_computed_variable_can_be_overridden_explicitly_but_not_declared() -> None:
    t = make("Soy {formal_name}.", var("name", True) + var("title"))
    values = {"name": "María López García", "title": "Dra."}
    assert render(t, values).text == "Soy Dra. García."
    assert render(t, {**values, "formal_name": "Dra. López García"}).text == "Soy Dra. López García."
    assert render(t, {**values, "formal_name": "  "}).text == "Soy Dra. García."
    with pytest.raises(TemplateError, match="display_name.*computed"):
        make("{display_name}", var("name", True) + var("display_name"))
    with pytest.raises(TemplateError, match="needs a declared 'name'"):
        make("{display_name}")


@pytest.mark.parametrize(
    "hostile",
    ["{name}", "{{name}}", "{?name: boom}", "}", "{", "__import__('os').system('echo pwned')",
     "{name.__class__.__init__.__globals__}", "[[if x]]yes[[end]]", "{0}", "%(name)s", "${HOME}"],
)
def test_hostile_values_are_inserted_literally(hostile: str) -> None:
    t = make("Hi {name}. {?bio: Bio: {bio}}", var("name", True) + var("bio"))
    out = render(t, {"name": "Ann Lee", "bio": hostile})
    assert out.text == f"Hi Ann Lee. Bio: {hostile}"
    out = render(t, {"name": hostile})
    assert out.text == f"Hi {hostile}."


def test_template_text_cannot_reach_python() -> None:
    for text in ("{name.__class__}", "{name[0]}", "{name!r}", "{__import__('os')}"):
        with pytest.raises(TemplateError, match="paragraph 1"):
            make(text, var("name", True))


# --- malformed template files ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('id = "t"\ntitle = "T"\nlanguage = "en"\ntext = """oops', "not valid TOML"),
        ('title = "T"\nlanguage = "en"\ntext = "x"', "missing or empty 'id'"),
        ('id = "t"\ntitle = "T"\nlanguage = "en"\ntext = "  "', "missing or empty 'text'"),
        ('id = "Bad Id"\ntitle = "T"\nlanguage = "en"\ntext = "x"', "id 'Bad Id'"),
        ('id = "t"\ntitle = "T"\nlanguage = "english!"\ntext = "x"', "BCP-47"),
        (HEADER + 'words_per_minute = 0\ntext = "x"', "words_per_minute"),
        (HEADER + 'words_per_minute = 900\ntext = "x"', "words_per_minute"),
        (HEADER + 'colour = "red"\ntext = "x"', "unknown key(s) colour"),
        (HEADER + 'text = "Hi {nmae}."\n' + var("name"), "variable 'nmae', which is not declared (did you mean 'name'?)"),
        (HEADER + 'text = "Hi."\n' + var("name") + var("name"), "variable 'name' is declared twice"),
        (HEADER + 'text = "Hi."\n[[variables]]\nname = "x"\nrequried = true\n', "unknown key(s) requried"),
        (HEADER + 'text = "Hi."\n[[variables]]\nname = "Bad-Name"\n', "needs a name"),
        (HEADER + 'text = "Hi."\n[[variables]]\nname = "x"\nrequired = "yes"\n', "required must be true or false"),
        (HEADER + 'text = "Hi."\n[[variables]]\nname = "x"\nexample = 3\n', "example must be text"),
        (HEADER + 'text = """One.\n\nTwo {?x: open\n\nThree."""\n' + var("x"), "paragraph 2 (line 3 of text): section '{?x:' is never closed"),
        (HEADER + 'text = """One.\n\nTwo.\nThree }."""', "paragraph 2 (line 4 of text): unmatched '}'"),
        (HEADER + 'text = "Hi { there"', "'{ there' is not '{variable}'"),
    ],
)
def test_malformed_templates_name_the_problem(source: str, problem: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(source, source=Path("/x/custom.toml"))
    assert str(info.value).startswith("custom.toml: ")
    assert problem in str(info.value)
    assert info.value.hint


def test_unknown_template_names_the_available_ones() -> None:
    for bad in ("nope", "../physician-intro", "physician-intro.toml"):
        with pytest.raises(NotFoundError) as info:
            load_template(bad)
        assert "physician-intro" in info.value.hint and "surgeon-intro" in info.value.hint


def test_extra_dirs_add_and_override(tmp_path: Path) -> None:
    (tmp_path / "physician-intro.toml").write_text(
        'id = "physician-intro"\ntitle = "Ours"\nlanguage = "en-GB"\ntext = "Hello from {name}."\n'
        + var("name", True, 'example = "Ann Lee"'), encoding="utf-8")
    (tmp_path / "nurse-intro.toml").write_text(
        'id = "nurse-intro"\ntitle = "Nurse"\nlanguage = "en"\ntext = "Hi."\n', encoding="utf-8")
    ids = [t.id for t in list_templates([tmp_path])]
    assert "nurse-intro" in ids and ids.count("physician-intro") == 1
    ours = load_template("physician-intro", extra_dirs=[tmp_path])
    assert ours.title == "Ours" and ours.source == tmp_path / "physician-intro.toml"
    assert render(ours, ours.example_values()).text == "Hello from Ann Lee."
    assert load_template("physician-intro").title != "Ours"


def test_file_name_must_match_id_and_missing_dirs(tmp_path: Path) -> None:
    (tmp_path / "wrong.toml").write_text(HEADER + 'text = "Hi."\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="wrong.toml: declares id 't'"):
        list_templates([tmp_path])
    with pytest.raises(NotFoundError):
        list_templates([tmp_path / "missing"])
    (tmp_path / "wrong.toml").write_bytes(b"\xff\xfe bad")
    with pytest.raises(TemplateError, match="wrong.toml"):
        list_templates([tmp_path])


# --- free text ------------------------------------------------------------------------------------

def test_free_text_script() -> None:
    s = free_text_script("  Hello, I'm {name}.\nI treat  hearts.\n\n \n\nSee you soon!  ")
    assert s.template_id is None and s.language == "en"
    assert s.paragraphs == ("Hello, I'm {name}. I treat hearts.", "See you soon!")
    assert s.word_count == 9
    assert s.seconds == pytest.approx(9 * 60 / 150)
    for empty in ("", "   \n\n  \t"):
        with pytest.raises(InvalidInputError):
            free_text_script(empty)


def test_hand_built_template_is_checked_when_rendered() -> None:
    t = Template("x", "X", "en", "", 150, (Variable("name", "Name", True),), ("Hi {nope}.",))
    with pytest.raises(TemplateError, match="paragraph 1: variable 'nope' is not declared"):
        render(t, {"name": "Ann"})
    broken = Template("x", "X", "en", "", 150, (), ("Hi {?x: open",))
    with pytest.raises(TemplateError, match="never closed"):
        render(broken, {})
