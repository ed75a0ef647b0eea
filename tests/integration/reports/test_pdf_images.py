"""Charts in the PDF (bot/reports/pdf.py): an RGB chart goes in by its PNG's compressed rows, not decoded and
compressed again; a tall chart continued over pages is that one image, clipped to each piece."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from bot.reports.pdf import Document
from bot.reports.png import flate_image, new_figure, save_figure


def tall_chart(path: Path) -> Path:
    fig = new_figure(7.0, 28.0, 40)
    for i in range(4):  # four panels, one a quarter of the height each
        ax = fig.add_axes((0.1, 0.77 - 0.25 * i, 0.85, 0.2))
        ax.plot([0, 1, 2], [i, 3 - i, 1], color="#1f4fa8", marker="o")
    return save_figure(fig, path)


def images(path: Path) -> dict[int, list[int]]:
    """The image objects of the PDF at `path`, by object number: the pages (from 1) that show each."""
    shown: dict[int, list[int]] = {}
    for number, page in enumerate(PdfReader(path).pages, start=1):
        resources = cast(DictionaryObject, page["/Resources"])
        for ref in cast(DictionaryObject, resources.get("/XObject", DictionaryObject())).values():
            shown.setdefault(cast(IndirectObject, ref).idnum, []).append(number)
    return shown


def test_a_tall_chart_continues_over_pages_as_one_image_of_its_png_rows(tmp_path: Path) -> None:
    chart = tall_chart(tmp_path / "trend.png")
    doc = Document("sv", "T")
    doc.h1("Rapport")
    doc.figure("Trend", "Förklaring", chart, alt="Trenden", breaks=[0.25, 0.5, 0.75])
    path = doc.save(tmp_path / "r.pdf")
    shown = images(path)
    assert len(shown) == 1  # the chart embedded once
    ((number, pages),) = shown.items()
    assert len(pages) >= 2  # and shown, clipped to its pieces, on every page it continues on
    reader = PdfReader(path)
    image = cast(StreamObject, reader.get_object(number))
    flate = flate_image(chart)
    assert flate is not None
    assert image["/Filter"] == "/FlateDecode" and image["/ColorSpace"] == "/DeviceRGB"
    parms = cast(DictionaryObject, image["/DecodeParms"])
    assert parms["/Predictor"] == 15 and parms["/Columns"] == flate.width
    assert flate.data in path.read_bytes()  # the PNG's rows as they are, not compressed again
    with Image.open(chart) as png:
        assert (image["/Width"], image["/Height"]) == png.size
        assert image.get_data() == png.tobytes()  # and a reader decodes them to the chart's pixels


def test_a_picture_that_is_not_an_rgb_png_still_goes_in(tmp_path: Path) -> None:
    Image.new("RGBA", (40, 30), (200, 30, 30, 255)).save(tmp_path / "rgba.png")
    Image.new("L", (40, 30), 128).save(tmp_path / "grey.png")
    doc = Document("sv", "T")
    doc.picture(tmp_path / "rgba.png", width=40)
    doc.picture(tmp_path / "grey.png", width=40)
    doc.picture(tmp_path / "rgba.png", width=30)
    path = doc.save(tmp_path / "p.pdf")
    reader = PdfReader(path)
    objects = [cast(StreamObject, reader.get_object(n)) for n in images(path)]
    sizes = sorted((cast(int, o["/Width"]), cast(int, o["/Height"])) for o in objects)
    assert sizes == [(40, 30), (40, 30)]  # the same file placed twice is embedded once
