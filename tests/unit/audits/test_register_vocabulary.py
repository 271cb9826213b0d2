"""The register's words (audits/register/*.yaml) agree with the code and schema/: every
heading names a known field, no heading two fields, every type word a concrete device
class whose kind attribute exists; and what export writes reads back as itself."""

from __future__ import annotations

from audits.register.facts import ATTRIBUTES
from audits.register.vocabulary import (
    FIELDS,
    POINT_FIELDS,
    heading_key,
    point_vocabulary,
    vocabulary,
)
from cmdb.schema import load_schema
from tests.register_sheets import full_width


def test_headings_name_known_fields_once() -> None:
    for words, fields in ((vocabulary(), FIELDS), (point_vocabulary(), POINT_FIELDS)):
        assert set(words.headings.values()) == set(fields)
        for lang in ("zh", "en"):
            written = words.export_headings[lang]
            assert {words.headings[heading_key(h)] for h in written.values()} == set(fields)
            assert [words.headings[heading_key(h)] for h in written.values()] == list(written)


def test_type_words_are_device_classes_of_the_schema() -> None:
    schema = load_schema()
    words = vocabulary()
    for entry in words.types.values():
        cls = schema.classes[entry.cls]
        assert not cls.abstract and schema.is_a(entry.cls, "Device"), entry
        if entry.kind is not None:
            assert words.kind_attributes[entry.cls] in cls.attributes, entry
        for lang in ("zh", "en"):  # export's word for the class and kind reads back as them
            word = words.type_word(entry.cls, entry.kind, lang)
            back = words.types[heading_key(word)]
            assert (back.cls, back.kind) == (entry.cls, entry.kind)
    assert set(ATTRIBUTES.values()) <= set(schema.classes["Server"].attributes)


def test_full_width_and_spelling_variants_are_one_heading() -> None:
    headings = vocabulary().headings
    assert headings[heading_key(full_width("SN"))] == headings[heading_key("Serial No.")]
    assert headings[heading_key("Serial No.")] == "serial"
    assert headings[heading_key("\u3000保修截止 ")] == "warranty_end"  # a full-width space
    assert heading_key("Asset_Tag") == heading_key("asset tag")
