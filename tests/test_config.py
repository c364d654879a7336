"""site.yml: required settings, unknown keys with suggestions, base URL handling."""
from signpost.config import load_config
from tests.sitekit import SITE_YML, build_site, tip, write_files


def load(tmp_path, text, override=None):
    folder = write_files(tmp_path, {"site.yml": text})
    return load_config(folder / "site.yml", "content/site.yml", override)


def test_valid_settings_and_defaults(tmp_path):
    config, problems = load(tmp_path, SITE_YML)
    assert problems == []
    assert config.name == "Test Clinic" and config.review_months == 12 and config.language == "en-GB"
    assert config.base_url == "https://clinic.example/" and config.base_path == "/"


def test_base_url_with_a_path_prefix(tmp_path):
    config, _ = load(tmp_path, SITE_YML, override="https://clinic.example/guidance")
    assert config.base_url == "https://clinic.example/guidance/" and config.base_path == "/guidance/"


def test_unknown_key_suggests_the_nearest(tmp_path):
    _, problems = load(tmp_path, SITE_YML + "bookng_url: x\n")
    assert [str(p) for p in problems] == ["content/site.yml:7: Unknown key 'bookng_url'. Hint: Did you mean 'booking_url'?"]


def test_missing_and_wrong_values_are_all_reported(tmp_path):
    text = SITE_YML.replace("phone: 0100 000 000\n", "").replace("https://clinic.example/book", "clinic.example/book")
    _, problems = load(tmp_path, text + "review_months: soon\n")
    assert [str(p) for p in problems] == [
        "content/site.yml:1: 'phone' is missing. Hint: Add a line 'phone: …'.",
        "content/site.yml:6: 'review_months' must be a whole number, got 'soon'.",
        "content/site.yml:4: 'booking_url' must be a full web address, got 'clinic.example/book'. Hint: Start it with https://",
    ]


def test_missing_file(tmp_path):
    config, problems = load_config(tmp_path / "site.yml", "content/site.yml")
    assert config is None
    assert str(problems[0]) == ("content/site.yml: The site settings file is missing. "
                                "Hint: Create content/site.yml; see EDITING.md for an example.")


def test_numbers_in_text_fields_are_published_as_written(tmp_path):
    # Adversarial review, item 5: YAML 1.1 published this phone number as 283457911 (octal) and
    # the title as 302 (5:2 read in base 60).
    site_yml = SITE_YML.replace("phone: 0100 000 000", "phone: 02071234567")
    out = build_site(tmp_path, {"site.yml": site_yml, "tips/warm-up.md": tip(title="5:2")})
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:02071234567">02071234567<' in home and ">5:2<" in home
    assert "283457911" not in home and ">302<" not in home
