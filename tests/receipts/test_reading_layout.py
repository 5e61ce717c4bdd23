"""Engines' runs of text become lines in reading order, with boxes and confidences."""

from receipts.reading.layout import Segment, group_into_lines, lines_to_text, normalise, text_lines


def test_a_label_and_its_amount_on_one_row_become_one_line():
    segments = [
        Segment("12.50", 0.98, (300, 102, 360, 124)),
        Segment("TOTAL", 0.95, (20, 100, 90, 122)),
        Segment("BREAD", 0.90, (20, 60, 90, 82)),
    ]
    lines = group_into_lines(segments, page=0)
    assert [line.text for line in lines] == ["BREAD", "TOTAL 12.50"]
    assert lines[1].box == (20, 100, 360, 124)
    assert (lines[1].conf, lines[1].weakest) == (0.965, 0.95)


def test_the_next_line_of_a_tilted_photo_is_not_joined_to_the_one_above():
    segments = [Segment("DATE 03/02/2022", 0.9, (20, 100, 200, 122)), Segment("TOTAL 9.00", 0.9, (230, 114, 330, 136))]
    assert [line.text for line in group_into_lines(segments, page=0)] == ["DATE 03/02/2022", "TOTAL 9.00"]


def test_a_stray_mark_does_not_set_the_line_confidence():
    segments = [Segment("MAPLE", 0.9, (0, 0, 50, 20)), Segment(".", 0.1, (60, 0, 62, 20))]
    line = group_into_lines(segments, page=0)[0]
    assert (line.conf, line.weakest) == (0.9, 0.9)


def test_full_width_punctuation_is_folded_to_ascii():
    assert normalise("TOTAL：１２．５０ ") == "TOTAL:12.50"


def test_text_lines_and_pages_join_back_into_text():
    lines = text_lines("SHOP\n\nTOTAL 1.00\n") + text_lines("PAGE TWO", page=1)
    assert lines_to_text(lines) == "SHOP\nTOTAL 1.00\n\nPAGE TWO"


def test_stacked_lines_of_a_tilted_scan_are_not_joined_however_their_boxes_overlap():
    segments = [
        Segment("KEDAI CEMARA SDN BHD", 0.9, (160, 80, 690, 150)),
        Segment("No: 8, JALAN MAWAR 1C,", 0.9, (220, 120, 620, 180)),
        Segment("TAMAN MAWAR, 41050", 0.9, (220, 150, 630, 210)),
        Segment("KLANG, SELANGOR", 0.9, (190, 180, 660, 245)),
    ]
    assert [line.text for line in group_into_lines(segments, page=0)] == [
        "KEDAI CEMARA SDN BHD",
        "No: 8, JALAN MAWAR 1C,",
        "TAMAN MAWAR, 41050",
        "KLANG, SELANGOR",
    ]
