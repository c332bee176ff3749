"""Brand kits: the bundled default, a department's shared folder, clear errors, WCAG contrast maths."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import font_lato
import pytest

from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.render.brandkit import (
    DEFAULT_KIT,
    check_contrast,
    contrast_ratio,
    load_brand_kit,
    relative_luminance,
)

LATO = Path(font_lato.font_directory)


def write_kit(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    kit = folder / "brandkit.toml"
    kit.write_text(body, encoding="utf-8")
    return kit


def test_default_kit_loads_with_logo_fonts_and_readable_colours():
    kit = load_brand_kit()
    assert kit.source == DEFAULT_KIT and kit.version == 1
    assert kit.logo is not None and kit.logo.is_file() and kit.logo.stat().st_size < 20_000
    assert kit.font_regular.name == "Lato-Regular.ttf" and kit.font_bold.name == "Lato-Bold.ttf"
    assert kit.fonts_dir == kit.font_regular.parent == kit.font_bold.parent
    assert kit.caption_font == ("Lato", 700)
    assert all(c.startswith("#") and len(c) == 7 for c in (kit.primary_colour, kit.text_colour))
    assert 0 < kit.caption_box_opacity <= 1
    assert kit.title_card_seconds > 0 and kit.end_card_seconds > 0 and kit.lower_third_seconds > 0
    assert check_contrast(kit) == []


def test_shared_kit_folder_resolves_relative_paths_from_any_working_directory(tmp_path, monkeypatch):
    shared = tmp_path / "share" / "Cardiology kit"
    (shared / "fonts").mkdir(parents=True)
    (shared / "art").mkdir()
    shutil.copy(LATO / "Lato-Regular.ttf", shared / "fonts" / "Body.ttf")
    shutil.copy(LATO / "Lato-Black.ttf", shared / "fonts" / "Heading.ttf")
    shutil.copy(DEFAULT_KIT.with_name("default-logo.png"), shared / "art" / "logo.png")
    kit_file = write_kit(shared, """
schema_version = 1
[organisation]
name = "Riverside Heart Centre"
logo = "art/logo.png"
[colours]
primary = "#8a1538"
[fonts]
regular = "fonts/Body.ttf"
bold = "fonts/Heading.ttf"
[end_card]
phone = "555-0100"
""")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    kit = load_brand_kit(kit_file)
    assert kit.organisation == "Riverside Heart Centre"
    assert kit.logo == (shared / "art" / "logo.png").resolve()
    assert kit.font_regular == (shared / "fonts" / "Body.ttf").resolve()
    assert kit.fonts_dir == (shared / "fonts").resolve()
    assert kit.caption_font == ("Lato", 900)  # Lato Black: libass must ask for weight 900
    assert kit.primary_colour == "#8A1538"
    assert kit.end_card_phone == "555-0100"
    default = load_brand_kit()
    assert kit.background_colour == default.background_colour  # left out: the default's value
    assert kit.end_card_call_to_action == default.end_card_call_to_action
    assert load_brand_kit(shared) == kit  # the folder itself names the kit


def test_partial_kit_does_not_inherit_the_default_logo(tmp_path):
    body = '[organisation]\nname = "Clinic"\n[fonts]\nbold = "Lato Black"\n[youtube]\ntitle = "Meet {name}"\n'
    kit = load_brand_kit(write_kit(tmp_path, body))  # [youtube] belongs to publishing: allowed, not read here
    assert kit.logo is None
    assert kit.font_bold.name == "Lato-Black.ttf"
    assert kit.font_regular.name == "Lato-Regular.ttf"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('[colours]\nprimary = "blue"\n', "colours.primary"),
        ('[colours]\ntext = "#12345"\n', "colours.text"),
        ('[colours]\ncaption_box_opacity = 1.5\n', "colours.caption_box_opacity"),
        ('[fonts]\nbold = "fonts/Missing-Bold.ttf"\n', "fonts.bold"),
        ('[fonts]\nregular = "Lato Condensed"\n', "fonts.regular"),
        ('[organisation]\nlogo = "no-such-logo.png"\n', "organisation.logo"),
        ('[timing]\ntitle_card = 0\n', "timing.title_card"),
        ('[colours]\nprimery = "#000000"\n', "colours.primery"),
        ('[colour]\nprimary = "#000000"\n', "colour"),
    ],
)
def test_bad_values_name_the_key_and_the_file(tmp_path, body, named):
    kit_file = write_kit(tmp_path / "dept", body)
    with pytest.raises(InvalidInputError) as err:
        load_brand_kit(kit_file)
    assert named in err.value.message and str(kit_file) in err.value.message
    assert err.value.hint


def test_logo_that_is_not_an_image_and_font_that_is_not_a_font(tmp_path):
    (tmp_path / "logo.png").write_text("not a picture")
    with pytest.raises(InvalidInputError, match="organisation.logo"):
        load_brand_kit(write_kit(tmp_path, '[organisation]\nlogo = "logo.png"\n'))
    (tmp_path / "Bad.ttf").write_text("not a font")
    with pytest.raises(InvalidInputError, match="fonts.regular"):
        load_brand_kit(write_kit(tmp_path, '[fonts]\nregular = "Bad.ttf"\n'))


def test_fonts_in_two_folders_are_refused_because_libass_reads_one(tmp_path):
    (tmp_path / "a").mkdir()
    shutil.copy(LATO / "Lato-Regular.ttf", tmp_path / "a" / "R.ttf")
    with pytest.raises(InvalidInputError, match="different folders"):
        load_brand_kit(write_kit(tmp_path, '[fonts]\nregular = "a/R.ttf"\nbold = "Lato"\n'))


def test_newer_schema_missing_file_and_broken_toml(tmp_path):
    with pytest.raises(InvalidInputError, match="newer IntroStudio"):
        load_brand_kit(write_kit(tmp_path / "new", "schema_version = 2\n"))
    with pytest.raises(NotFoundError):
        load_brand_kit(tmp_path / "nowhere.toml")
    with pytest.raises(InvalidInputError, match="cannot be read"):
        load_brand_kit(write_kit(tmp_path / "broken", "[colours\n"))


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#1565C0", "#1565C0") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast_ratio("#777777", "#FFFFFF") < 4.5
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == 0.0


def test_poor_colours_are_warned_about_with_the_pair_the_ratio_and_a_fix():
    kit = replace(load_brand_kit(), primary_colour="#FFD700", accent_colour="#1E3A5F",
                  caption_box_opacity=0.2)
    warnings = check_contrast(kit)
    assert len(warnings) == 3
    lower, accent, captions = (next(w for w in warnings if key in w)
                               for key in ("lower third", "specialty", "Caption text"))
    ratio = contrast_ratio("#FFFFFF", "#FFD700")
    assert f"{ratio:.2f}:1" in lower and "colours.primary" in lower and "4.5:1" in lower
    assert "colours.accent" in accent
    assert "caption_box_opacity" in captions
