"""The dashboard map's labels (issue 15): each region's name sits inside its region, clear of
the province-direct counties drawn over a city (安阳市 was hidden under 滑县 and 鹤壁市)."""

from screening.early_warning import map as warnings_map
from screening.early_warning.map import _inside, label_point

SQUARE = [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)]


def test_the_label_point_of_a_square_is_its_centre():
    x, y = label_point(SQUARE)
    assert abs(x - 50) < 3 and abs(y - 50) < 3


def test_the_label_point_avoids_a_county_drawn_over_the_city():
    county = [(30.0, 30.0), (70.0, 30.0), (70.0, 70.0), (30.0, 70.0)]
    x, y = label_point(SQUARE, [county])
    assert _inside(x, y, SQUARE) and not _inside(x, y, county)


def test_an_l_shaped_region_is_labelled_inside_it():
    ell = [(0.0, 0.0), (100.0, 0.0), (100.0, 20.0), (20.0, 20.0), (20.0, 100.0), (0.0, 100.0)]
    x, y = label_point(ell)  # the area centre (≈ 32, 32) lies outside the L
    assert _inside(x, y, ell)


def test_every_city_label_lies_inside_its_city_and_outside_every_county():
    cities = ("410100", "410500", "410600", "410700", "410900", "411300", "411500")
    counties = ("410181", "410526", "410783", "411381", "411525")
    layout = warnings_map.map_layout(cities, counties)
    if not layout.from_boundaries:
        return  # no boundary file: the tile map has no such overlap
    rings = {code: [] for code in cities + counties}
    for shape in layout.shapes:
        for part in shape.path.strip("Z").split("ZM"):
            points = [tuple(map(float, p.split(","))) for p in part.lstrip("M").split("L")]
            rings[shape.code].append(points)
    for shape in layout.shapes:
        if shape.code in cities:
            x, y = shape.label_x, shape.label_y
            assert any(_inside(x, y, ring) for ring in rings[shape.code]), shape.code
            for county in counties:
                assert not any(_inside(x, y, ring) for ring in rings[county]), shape.code
        else:
            assert shape.overlay
