"""`introstudio new` refuses over-long fields before making anything and warns about undrawable glyphs."""

from __future__ import annotations


def test_new_refuses_a_name_past_its_limit_and_warns_about_a_glyph_no_font_has(cli, tmp_path):
    too_long = tmp_path / "long"
    r = cli("new", too_long, "--name", "Maria " * 20, "--specialty", "Cardiology")
    assert r.code == 2 and "at most 80" in r.err and "Shorten the name" in r.err
    assert "This is a bug" not in r.err and not too_long.exists()
    r = cli("new", tmp_path / "ankh", "--name", "Ankh \U00013000 Smith", "--specialty", "Cardiology")
    assert r.code == 0, r.err
    assert "cannot draw" in r.err and "U+13000" in r.err
    r = cli("new", tmp_path / "arabic", "--name", "محمد عبد الله", "--specialty", "Cardiology")
    assert r.code == 0 and "cannot draw" not in r.err
